import fs from 'node:fs/promises';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { WorkerPool } from '../media/WorkerPool';

/** Live object counts, read when /metrics is scraped. */
export interface MetricsSnapshot {
  sessions: number;
  transports: number;
  producers: number;
  consumers: number;
  channelStreams: number;
}

/** What signalling reports as it works (implemented by Metrics; a no-op where metrics are not wanted). */
export interface SignallingObserver {
  floorRequest(outcome: string, seconds: number): void;
  floorRevoked(reason: string): void;
  protocolError(code: string): void;
  clientReport(kind: string): void;
}

/** Current resident memory of a process from /proc (Linux); undefined elsewhere. */
async function residentBytes(pid: number): Promise<number | undefined> {
  try {
    const status = await fs.readFile(`/proc/${pid}/status`, 'utf8');
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
    return match?.[1] === undefined ? undefined : Number(match[1]) * 1024;
  } catch {
    return undefined;
  }
}

/**
 * Prometheus metrics of one node (served at /metrics): process defaults, live sessions and mediasoup object
 * counts, floor requests by outcome with a grant-latency histogram, revocations by reason, and each media
 * worker's CPU time and resident memory.
 */
export class Metrics implements SignallingObserver {
  readonly registry = new Registry();
  readonly #floorRequests: Counter<'outcome'>;
  readonly #floorLatency: Histogram<'outcome'>;
  readonly #revocations: Counter<'reason'>;
  readonly #protocolErrors: Counter<'code'>;
  readonly #clientReports: Counter<'kind'>;

  constructor(options: { snapshot: () => MetricsSnapshot; pool: WorkerPool; nodeId: string }) {
    const registry = this.registry;
    registry.setDefaultLabels({ node: options.nodeId });
    collectDefaultMetrics({ register: registry, prefix: 'squelch_' });

    const gauges: [keyof MetricsSnapshot, string, string][] = [
      ['sessions', 'squelch_sessions', 'Signalling sessions on this node'],
      ['transports', 'squelch_transports', 'Client WebRTC transports'],
      ['producers', 'squelch_producers', 'Microphone producers'],
      ['consumers', 'squelch_consumers', 'Listening consumers (one per session and joined channel)'],
      ['channelStreams', 'squelch_channel_streams', 'Server-owned channel streams'],
    ];
    for (const [key, name, help] of gauges) {
      new Gauge({
        name,
        help,
        registers: [registry],
        collect() {
          this.set(options.snapshot()[key]);
        },
      });
    }

    this.#floorRequests = new Counter({
      name: 'squelch_floor_requests_total',
      help: 'Floor requests by outcome (granted, busy, not_joined, not_member, no_microphone, unavailable)',
      labelNames: ['outcome'],
      registers: [registry],
    });
    this.#floorLatency = new Histogram({
      name: 'squelch_floor_request_duration_seconds',
      help: 'Time from receiving a floor request to answering it, by outcome',
      labelNames: ['outcome'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
      registers: [registry],
    });
    this.#revocations = new Counter({
      name: 'squelch_floor_revocations_total',
      help: 'Floors taken away from their holder, by reason',
      labelNames: ['reason'],
      registers: [registry],
    });
    this.#protocolErrors = new Counter({
      name: 'squelch_signalling_errors_total',
      help: 'Refused or failed signalling requests by error code',
      labelNames: ['code'],
      registers: [registry],
    });

    this.#clientReports = new Counter({
      name: 'squelch_client_reports_total',
      help: 'Diagnostics reports sent by clients (errors with a getStats() summary, state changes)',
      labelNames: ['kind'],
      registers: [registry],
    });

    const pool = options.pool;
    new Gauge({
      name: 'squelch_media_worker_cpu_seconds',
      help: 'CPU time used by each mediasoup worker process',
      labelNames: ['worker', 'mode'],
      registers: [registry],
      async collect() {
        this.reset();
        await Promise.all(
          pool.workers.map(async (worker) => {
            if (worker.closed) return;
            const usage = await worker.worker.getResourceUsage();
            this.set({ worker: String(worker.index), mode: 'user' }, usage.ru_utime / 1000);
            this.set({ worker: String(worker.index), mode: 'system' }, usage.ru_stime / 1000);
          }),
        );
      },
    });
    new Gauge({
      name: 'squelch_media_worker_resident_memory_bytes',
      help: 'Resident memory of each mediasoup worker process',
      labelNames: ['worker'],
      registers: [registry],
      async collect() {
        this.reset();
        await Promise.all(
          pool.workers.map(async (worker) => {
            if (worker.closed) return;
            const bytes = await residentBytes(worker.pid);
            if (bytes !== undefined) this.set({ worker: String(worker.index) }, bytes);
          }),
        );
      },
    });
  }

  floorRequest(outcome: string, seconds: number): void {
    this.#floorRequests.inc({ outcome });
    this.#floorLatency.observe({ outcome }, seconds);
  }

  floorRevoked(reason: string): void {
    this.#revocations.inc({ reason });
  }

  protocolError(code: string): void {
    this.#protocolErrors.inc({ code });
  }

  clientReport(kind: string): void {
    this.#clientReports.inc({ kind });
  }
}
