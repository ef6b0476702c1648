#!/usr/bin/env bash
# End-to-end check of the installed mediasoup worker with a real browser: headless Chromium sends its
# fake microphone through a WebRTC transport (ICE, DTLS, SRTP) into the worker and receives it back on a
# second transport; the audio must arrive. This covers what "the binary starts" cannot: the worker's
# DTLS and SRTP against the libraries it was linked with.
#
#   scripts/mediasoup-offline/check-worker-browser.sh
#
# Exit status: 0 audio went through; 1 it did not (or the worker died); 3 skipped because Chromium or
# one of the npm packages it needs (mediasoup-client, playwright-core, esbuild) is not installed.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"

say() { printf '[worker-browser-check] %s\n' "$*"; }

if [[ ! -x "$CHROMIUM" ]]; then
  say "skipped: Chromium not found at $CHROMIUM"
  exit 3
fi
for pkg in mediasoup mediasoup-client playwright-core esbuild; do
  if [[ ! -d "$ROOT/node_modules/$pkg" ]]; then
    say "skipped: npm package $pkg is not installed"
    exit 3
  fi
done

# The page side: mediasoup-client, bundled for the browser by esbuild at run time.
read -r -d '' PAGE_SOURCE <<'JS' || true
import { Device } from 'mediasoup-client';
window.runLoop = async () => {
  const device = new Device({ handlerName: 'Chrome111' });
  await device.load({ routerRtpCapabilities: await window.signal('capabilities', {}) });
  const open = async (direction) => {
    const options = await window.signal('transport', {});
    const transport =
      direction === 'send' ? device.createSendTransport(options) : device.createRecvTransport(options);
    transport.on('connect', ({ dtlsParameters }, done, failed) => {
      window.signal('connect', { id: options.id, dtlsParameters }).then(done, failed);
    });
    transport.on('produce', ({ kind, rtpParameters }, done, failed) => {
      window.signal('produce', { id: options.id, kind, rtpParameters }).then(done, failed);
    });
    return transport;
  };
  const sending = await open('send');
  const receiving = await open('recv');
  const microphone = await navigator.mediaDevices.getUserMedia({ audio: true });
  const producer = await sending.produce({ track: microphone.getAudioTracks()[0] });
  const consumer = await receiving.consume(
    await window.signal('consume', {
      id: receiving.id,
      producerId: producer.id,
      rtpCapabilities: device.rtpCapabilities,
    }),
  );
  // Played (not muted): Chromium measures the received audio energy at playout.
  const sink = new Audio();
  sink.srcObject = new MediaStream([consumer.track]);
  await sink.play().catch(() => undefined);
  await new Promise((resolve) => setTimeout(resolve, 4000));
  let inbound = { packetsReceived: 0, totalAudioEnergy: 0 };
  (await consumer.getStats()).forEach((report) => {
    if (report.type === 'inbound-rtp') inbound = report;
  });
  return { packetsReceived: inbound.packetsReceived, totalAudioEnergy: inbound.totalAudioEnergy };
};
JS

# The server side: a worker with one router and two WebRTC transports, driven from the page through
# Playwright's exposed function (no HTTP server needed).
read -r -d '' DRIVER <<'JS' || true
import * as mediasoup from 'mediasoup';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';

const [chromiumPath, pageSource] = process.argv.slice(1);
const bundle = await build({
  stdin: { contents: pageSource, resolveDir: process.cwd(), loader: 'js' },
  bundle: true,
  format: 'iife',
  write: false,
  logLevel: 'error',
});
const worker = await mediasoup.createWorker({ logLevel: 'error' });
let died = null;
worker.on('died', (error) => {
  died = error;
});
const router = await worker.createRouter({
  mediaCodecs: [{ kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2 }],
});
const transports = new Map();
const handlers = {
  capabilities: async () => router.rtpCapabilities,
  transport: async () => {
    const transport = await router.createWebRtcTransport({ listenInfos: [{ protocol: 'udp', ip: '127.0.0.1' }] });
    transports.set(transport.id, transport);
    const { id, iceParameters, iceCandidates, dtlsParameters } = transport;
    return { id, iceParameters, iceCandidates, dtlsParameters };
  },
  connect: async ({ id, dtlsParameters }) => transports.get(id).connect({ dtlsParameters }),
  produce: async ({ id, kind, rtpParameters }) => ({ id: (await transports.get(id).produce({ kind, rtpParameters })).id }),
  consume: async ({ id, producerId, rtpCapabilities }) => {
    const consumer = await transports.get(id).consume({ producerId, rtpCapabilities });
    return { id: consumer.id, producerId, kind: consumer.kind, rtpParameters: consumer.rtpParameters };
  },
};
const browser = await chromium.launch({
  executablePath: chromiumPath,
  headless: true,
  args: [
    '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--use-fake-ui-for-media-stream',
    '--use-fake-device-for-media-stream', '--autoplay-policy=no-user-gesture-required',
  ],
});
let result = null;
let failure = null;
try {
  const page = await browser.newPage();
  await page.exposeFunction('signal', (name, data) => handlers[name](data));
  await page.route('http://localhost/**', (route) =>
    route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>worker check</title>' }),
  );
  await page.goto('http://localhost/');
  await page.addScriptTag({ content: bundle.outputFiles[0].text });
  result = await Promise.race([
    page.evaluate(() => window.runLoop()),
    new Promise((_, reject) => setTimeout(() => reject(new Error('no result within 30 s')), 30000)),
  ]);
} catch (error) {
  failure = error;
} finally {
  await browser.close();
  worker.close();
}
if (died) {
  console.log(`FAIL: the worker died (${died.message})`);
  process.exit(1);
}
if (failure) {
  console.log(`FAIL: ${failure.message}`);
  process.exit(1);
}
const ok = result.packetsReceived >= 50 && result.totalAudioEnergy > 0.01;
console.log(
  `${ok ? 'OK' : 'FAIL'}: ${result.packetsReceived} audio packets came back through the worker ` +
    `(audio energy ${Number(result.totalAudioEnergy).toFixed(4)})`,
);
process.exit(ok ? 0 : 1);
JS

say "Chromium -> worker -> Chromium audio over WebRTC (about 10 s)"
cd "$ROOT"
# MEDIASOUP_WORKER_BIN is dropped so the check uses the binary at mediasoup's default path.
if env -u MEDIASOUP_WORKER_BIN node --input-type=module -e "$DRIVER" -- "$CHROMIUM" "$PAGE_SOURCE" </dev/null |
  sed 's/^/[worker-browser-check] /'; then
  exit 0
fi
exit 1
