/** A lock always has a TTL: a whole, positive number of milliseconds. */
export function assertTtl(ttlMs: number): void {
  if (!Number.isInteger(ttlMs) || ttlMs < 1) {
    throw new RangeError(
      `A floor lock needs a TTL of at least 1 ms as a whole number, got ${String(ttlMs)}.`,
    );
  }
}
