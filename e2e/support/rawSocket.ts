import WebSocket from 'ws';

/** A raw signalling socket from Node, for protocol-level tests (malformed input, unknown methods). */
export class RawSocket {
  readonly ws: WebSocket;
  readonly #frames: unknown[] = [];
  readonly #waiters: (() => void)[] = [];
  closed: { code: number; reason: string } | undefined;
  /** How long `request` waits for the response (load benchmarks on a busy machine wait longer). */
  requestTimeoutMs = 5000;
  /**
   * Called with every frame as it arrives; a frame for which it returns true is dropped instead of queued for
   * `next()`. Long-running clients use it to keep notifications they never read from piling up (and may note
   * the arrival time of the ones they care about).
   */
  discard: ((frame: Record<string, unknown>) => boolean) | undefined;

  private constructor(ws: WebSocket) {
    this.ws = ws;
    ws.on('message', (data: Buffer) => {
      const frame = JSON.parse(data.toString('utf8')) as Record<string, unknown>;
      if (this.discard?.(frame) === true) return;
      this.#frames.push(frame);
      for (const wake of this.#waiters.splice(0)) wake();
    });
    ws.on('close', (code, reason) => {
      this.closed = { code, reason: reason.toString('utf8') };
      for (const wake of this.#waiters.splice(0)) wake();
    });
  }

  static async open(baseUrl: string): Promise<RawSocket> {
    const ws = new WebSocket(`${baseUrl.replace('https://', 'wss://')}/ws`, { rejectUnauthorized: false });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return new RawSocket(ws);
  }

  send(value: unknown): void {
    this.ws.send(typeof value === 'string' ? value : JSON.stringify(value));
  }

  /** The next frame matching `predicate` (frames that do not match stay queued). */
  async next(
    predicate: (frame: Record<string, unknown>) => boolean = () => true,
    timeoutMs = 5000,
  ): Promise<Record<string, unknown>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const index = this.#frames.findIndex((frame) => predicate(frame as Record<string, unknown>));
      if (index >= 0) return this.#frames.splice(index, 1)[0] as Record<string, unknown>;
      if (this.closed !== undefined)
        throw new Error(`socket closed (${this.closed.code}) before the frame arrived`);
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new Error('timed out waiting for a signalling frame');
      await this.#wake(remaining);
    }
  }

  /** Sends a request and returns its response frame. */
  async request(id: number, method: string, params?: unknown): Promise<Record<string, unknown>> {
    this.send({ id, method, params });
    return this.next((frame) => frame.id === id, this.requestTimeoutMs);
  }

  async waitClosed(timeoutMs = 5000): Promise<{ code: number; reason: string }> {
    const deadline = Date.now() + timeoutMs;
    while (this.closed === undefined && Date.now() < deadline) await this.#wake(deadline - Date.now());
    if (this.closed === undefined) throw new Error('socket did not close');
    return this.closed;
  }

  /** Resolves at the next frame or close, or after `ms`; a waiter that timed out is removed. */
  #wake(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        const index = this.#waiters.indexOf(wake);
        if (index >= 0) this.#waiters.splice(index, 1);
        resolve();
      }, ms);
      this.#waiters.push(wake);
    });
  }

  close(): void {
    this.ws.close();
  }
}
