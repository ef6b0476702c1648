/**
 * What `./squelch start --lan` prints once the server listens: the address to open on a phone or another
 * computer on the same network, and what the browser will say about the self-signed certificate.
 */
export function lanModeBanner(url: string): string {
  return [
    '',
    "LAN mode: Squelch listens on this machine's network address.",
    `On a phone or another computer on the same network, open ${url}`,
    'The certificate is self-signed: the browser warns once; accept it to continue (Advanced → proceed).',
    '',
    '',
  ].join('\n');
}
