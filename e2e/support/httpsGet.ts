import https from 'node:https';
import type { IncomingHttpHeaders } from 'node:http';

export interface HttpsAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
}

/**
 * One HTTPS request trusting the test server's self-signed certificate; a JSON body is sent as JSON. Rejects
 * after `timeoutMs`.
 */
export function httpsRequest(
  url: string,
  options: { method?: string; headers?: Record<string, string>; json?: unknown; timeoutMs?: number } = {},
): Promise<HttpsAnswer> {
  const body = options.json === undefined ? undefined : JSON.stringify(options.json);
  return new Promise((resolve, reject) => {
    const request = https.request(
      url,
      {
        method: options.method ?? 'GET',
        rejectUnauthorized: false,
        timeout: options.timeoutMs ?? 10_000,
        headers: {
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...options.headers,
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            text: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      },
    );
    request.on('timeout', () => request.destroy(new Error(`${options.method ?? 'GET'} ${url} timed out`)));
    request.on('error', reject);
    request.end(body);
  });
}

/** GET over HTTPS trusting the test server's self-signed certificate; rejects after `timeoutMs`. */
export async function httpsGet(url: string, timeoutMs = 10_000): Promise<{ status: number; text: string }> {
  const { status, text } = await httpsRequest(url, { timeoutMs });
  return { status, text };
}
