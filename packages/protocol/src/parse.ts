import { ErrorCode, ProtocolError } from './errors';
import { RequestEnvelopeSchema, requestSchemas } from './messages';
import type { Method, RequestParams } from './messages';
import type { z } from 'zod';

/** A request that passed validation: the method is known and params match its schema. */
export type ParsedRequest = {
  [M in Method]: { id: number; method: M; params: RequestParams<M> };
}[Method];

export type ParseOutcome =
  { ok: true; request: ParsedRequest } | { ok: false; id: number | null; error: ProtocolError };

function isMethod(name: string): name is Method {
  return Object.prototype.hasOwnProperty.call(requestSchemas, name);
}

/** Summarises zod issues into one sentence a developer can act on. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : 'message'}: ${issue.message}`)
    .join('; ');
}

/**
 * Decodes one raw signalling message into a typed request. Never throws: malformed input is an outcome.
 */
/**
 * The id of a request without validating the rest (e.g. to answer a refused message so the sender's call
 * ends at once instead of timing out); null when the text is not JSON or has no numeric id.
 */
export function requestIdOf(raw: string): number | null {
  try {
    const json: unknown = JSON.parse(raw);
    return typeof json === 'object' && json !== null && 'id' in json && typeof json.id === 'number'
      ? json.id
      : null;
  } catch {
    return null;
  }
}

export function parseRequest(raw: string): ParseOutcome {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return {
      ok: false,
      id: null,
      error: new ProtocolError(ErrorCode.BadRequest, 'Message is not valid JSON.'),
    };
  }
  const envelope = RequestEnvelopeSchema.safeParse(json);
  if (!envelope.success) {
    const id =
      typeof json === 'object' && json !== null && 'id' in json && typeof json.id === 'number'
        ? json.id
        : null;
    return {
      ok: false,
      id,
      error: new ProtocolError(
        ErrorCode.BadRequest,
        `Message is not a request envelope {id, method, params}: ${describeIssues(envelope.error)}.`,
      ),
    };
  }
  const { id, method, params } = envelope.data;
  if (!isMethod(method)) {
    return {
      ok: false,
      id,
      error: new ProtocolError(ErrorCode.UnknownMethod, `Unknown method "${method.slice(0, 64)}".`),
    };
  }
  const parsed = requestSchemas[method].safeParse(params ?? {});
  if (!parsed.success) {
    return {
      ok: false,
      id,
      error: new ProtocolError(
        ErrorCode.BadRequest,
        `Invalid params for ${method}: ${describeIssues(parsed.error)}.`,
      ),
    };
  }
  // The cast is sound: `parsed` was produced by the schema registered for `method`.
  return { ok: true, request: { id, method, params: parsed.data } as ParsedRequest };
}
