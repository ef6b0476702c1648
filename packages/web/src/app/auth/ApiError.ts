/** A failed API call: the server's error code and its sentence (or a local one for network failures). */
export class ApiError extends Error {
  readonly code: string;
  readonly status: number;

  constructor(code: string, message: string, status: number) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.status = status;
  }
}

/** Reads an answer: JSON on success (undefined for 204), ApiError with the server's {error} otherwise. */
export async function readAnswer(response: Response): Promise<unknown> {
  const text = await response.text();
  let body: unknown;
  try {
    body = text === '' ? undefined : JSON.parse(text);
  } catch {
    body = undefined;
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
  throw new ApiError(code, message, response.status);
}

/** fetch() that turns a network failure into an ApiError a person can read. */
export async function send(path: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(path, init);
  } catch {
    throw new ApiError('network', 'The server cannot be reached. Check the network connection.', 0);
  }
}
