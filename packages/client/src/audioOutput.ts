/** Something that plays sound and may be routed to a chosen output device (Chromium's setSinkId). */
type Routable = HTMLMediaElement | AudioContext;

interface WithSink {
  setSinkId(sinkId: string): Promise<void>;
}

/** True where the page can send sound to a chosen output device (media elements with setSinkId). */
export function outputSelectable(): boolean {
  return typeof HTMLMediaElement !== 'undefined' && 'setSinkId' in HTMLMediaElement.prototype;
}

/**
 * Routes a player to an output device ('' is the system default). Resolves false where the browser cannot
 * route (no setSinkId) or refused the device (gone, not allowed); the player then keeps its current output.
 */
export async function routeOutput(target: Routable, sinkId: string): Promise<boolean> {
  if (!('setSinkId' in target) || typeof (target as Partial<WithSink>).setSinkId !== 'function') return false;
  try {
    await (target as unknown as WithSink).setSinkId(sinkId);
    return true;
  } catch {
    return false;
  }
}
