import type { SignallingClient } from './SignallingClient';

/** How long a socket may take to answer a ping after a network change before it is taken for dead. */
export const NETWORK_CHECK_TIMEOUT_MS = 3000;

/** Whether the socket answers a ping within timeoutMs (a socket on a vanished path never errors by itself). */
export async function socketAnswers(signalling: SignallingClient, timeoutMs: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  try {
    return await Promise.race([
      signalling.request('ping', {}).then(
        () => true,
        () => false,
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

interface NetworkInformationLike extends EventTarget {
  readonly type?: string;
  readonly effectiveType?: string;
}

/**
 * Calls onChange when the device's network changes: `online`, `offline`, and the Network Information API's
 * `change` (Wi-Fi to mobile data) where the browser has it (Chromium). Returns a function that stops watching.
 */
export function watchNetwork(onChange: (reason: string) => void): () => void {
  const connection = (navigator as Navigator & { connection?: NetworkInformationLike }).connection;
  const onOnline = () => onChange('online');
  const onOffline = () => onChange('offline');
  const onConnection = () => onChange('connection change');
  window.addEventListener('online', onOnline);
  window.addEventListener('offline', onOffline);
  connection?.addEventListener('change', onConnection);
  return () => {
    window.removeEventListener('online', onOnline);
    window.removeEventListener('offline', onOffline);
    connection?.removeEventListener('change', onConnection);
  };
}
