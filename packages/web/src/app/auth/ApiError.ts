/** A failed API call: the server's error code and its sentence (or a local one for network failures). */
export class ApiError extends Error {
  readonly code: string;
  readonly status: number;
  /** The whole answer of a refusal, for routes that say more than a sentence (a roster file's problems). */
  readonly details: unknown;

  constructor(code: string, message: string, status: number, details?: unknown) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.status = status;
    this.details = details;
  }
}

/**
 * Reads an answer: JSON on success (undefined for 204, the text itself for a non-JSON answer such as CSV),
 * ApiError with the server's {error} otherwise.
 */
export async function readAnswer(response: Response): Promise<unknown> {
  const text = await response.text();
  let body: unknown;
  try {
    body = text === '' ? undefined : JSON.parse(text);
  } catch {
    body = undefined;
    if (response.ok) return text;
  }
  if (response.ok) return body;
  const error =
    typeof body === 'object' && body !== null && 'error' in body && typeof body.error === 'object'
      ? body.error
      : null;
  const code =
    error !== null && 'code' in error && typeof error.code === 'string'
      ? error.code
      : `http_${response.status}`;
  const message =
    error !== null && 'message' in error && typeof error.message === 'string'
      ? error.message
      : `The server answered ${response.status}.`;
  throw new ApiError(code, message, response.status, body);
}

/** fetch() that turns a network failure into an ApiError a person can read. */
export async function send(path: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(path, init);
  } catch {
    throw new ApiError('network', 'The server cannot be reached. Check the network connection.', 0);
  }
}
