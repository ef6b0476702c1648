/** Median, p95 and friends of a sample, for printing. */
export function summarize(values: number[]): {
  n: number;
  median: number;
  p95: number;
  min: number;
  max: number;
} {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number): number =>
    sorted[Math.min(sorted.length - 1, Math.floor(q * (sorted.length - 1) + 0.5))] ?? NaN;
  return {
    n: sorted.length,
    median: at(0.5),
    p95: at(0.95),
    min: sorted[0] ?? NaN,
    max: sorted.at(-1) ?? NaN,
  };
}

/** Pairs each received onset with the latest earlier sent onset (within `maxMs`) and returns the delays. */
export function pairOnsets(sent: number[], received: number[], maxMs = 1000): number[] {
  const delays: number[] = [];
  for (const at of received) {
    let best: number | undefined;
    for (const s of sent) if (s <= at && (best === undefined || s > best)) best = s;
    if (best !== undefined && at - best <= maxMs) delays.push(at - best);
  }
  return delays;
}

export function fmt(ms: number): string {
  return `${ms.toFixed(1)} ms`;
}

/** The p-th percentile (0..100) of an already sorted sample, nearest rank; NaN when empty. */
export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

/** The sum of a metric's samples (all label sets) in a Prometheus text exposition; 0 when absent. */
export function metricSum(text: string, name: string): number {
  let total = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const value = Number(line.slice(line.lastIndexOf(' ') + 1));
    if (Number.isFinite(value)) total += value;
  }
  return total;
}
