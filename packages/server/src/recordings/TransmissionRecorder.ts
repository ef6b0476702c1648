import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';
import type { TalkRecorder, TalkRecording, TalkStart } from '../media/TalkRecorder';
import type { DiskGuard } from './DiskGuard';
import { rtpPayload } from './rtpPayload';
import { PARTIAL_SUFFIX, TransmissionFile } from './TransmissionFile';
import type { TransmissionStore } from './TransmissionStore';

export interface TransmissionRecorderOptions {
  directory: string;
  nodeId: string;
  store: TransmissionStore;
  disk: DiskGuard;
  logger: Logger;
}

/** How long a channel's "is this event recorded" answer is reused before asking the database again. */
const POLICY_CACHE_MS = 10_000;

/**
 * Records every transmission that enters this node: the Opus payloads of exactly the packets forwarded to the
 * channel's listeners, one Ogg Opus file per transmission, and a database row once the file is complete.
 * Files live under `<directory>/<channelId>/<yyyy-mm-dd>/<uuid>.ogg`.
 *
 * Ownership: owns its active recordings; close() ends them (their files are completed and catalogued) and
 * waits for them. The disk guard and store are owned by the caller.
 */
export class TransmissionRecorder implements TalkRecorder {
  readonly #options: TransmissionRecorderOptions;
  readonly #logger: Logger;
  readonly #active = new Set<Promise<void>>();
  readonly #recordings = new Set<ActiveRecording>();
  readonly #policies = new Map<string, { retentionHours: number; at: number }>();
  #closed = false;

  constructor(options: TransmissionRecorderOptions) {
    this.#options = options;
    this.#logger = options.logger.child({ module: 'recordings' });
  }

  /** Removes `.partial` files a crash left behind; call once before recording. */
  async removeLeftovers(): Promise<number> {
    await fs.mkdir(this.#options.directory, { recursive: true });
    let removed = 0;
    const entries = await fs.readdir(this.#options.directory, { recursive: true, withFileTypes: true });
    for (const entry of entries) {
      if (!entry.isFile() || !entry.name.endsWith(PARTIAL_SUFFIX)) continue;
      await fs.rm(path.join(entry.parentPath, entry.name), { force: true });
      removed += 1;
    }
    if (removed > 0) this.#logger.warn({ removed }, 'removed unfinished recordings left by a crash');
    return removed;
  }

  /**
   * Forgets the cached "event not recorded" answers: called when an event's retention changes on this node,
   * so turning recording back on takes effect with the next transmission. Other nodes ask again within
   * POLICY_CACHE_MS.
   */
  forgetPolicies(): void {
    this.#policies.clear();
  }

  /** Number of transmissions being recorded now. */
  get activeCount(): number {
    return this.#recordings.size;
  }

  begin(talk: TalkStart): TalkRecording | undefined {
    if (this.#closed || this.#options.disk.paused) return undefined;
    const cached = this.#policies.get(talk.channelId);
    if (cached !== undefined && Date.now() - cached.at < POLICY_CACHE_MS && cached.retentionHours === 0) {
      return undefined;
    }
    const startedAt = new Date();
    const day = startedAt.toISOString().slice(0, 10);
    const relativePath = path.join(talk.channelId, day, `${randomUUID()}.ogg`);
    const file = TransmissionFile.create(this.#options.directory, relativePath, {
      TITLE: `${talk.talkerName} on ${talk.channelId}`,
      DATE: startedAt.toISOString(),
    });
    const recording = new ActiveRecording(file, (packets) => {
      this.#recordings.delete(recording);
      const done = this.#complete(talk, startedAt, file, packets);
      this.#active.add(done);
      void done.finally(() => this.#active.delete(done));
    });
    this.#recordings.add(recording);
    return recording;
  }

  async #complete(talk: TalkStart, startedAt: Date, file: TransmissionFile, packets: number): Promise<void> {
    const logger = this.#logger.child({ channelId: talk.channelId, grantId: talk.grantId });
    if (packets === 0) {
      await file.abort();
      return;
    }
    let finished;
    try {
      finished = await file.finish();
    } catch (error) {
      if (isNoSpace(error)) this.#options.disk.reportFull();
      logger.error({ err: error }, 'transmission not recorded: writing its file failed');
      return;
    }
    const full = path.join(this.#options.directory, finished.relativePath);
    try {
      const policy = await this.#options.store.policyOf(talk.channelId);
      if (policy !== undefined) {
        this.#policies.set(talk.channelId, { retentionHours: policy.retentionHours, at: Date.now() });
      }
      if (policy === undefined || policy.retentionHours === 0) {
        await fs.rm(full, { force: true });
        return;
      }
      const id = await this.#options.store.insert({
        eventId: policy.eventId,
        channelId: talk.channelId,
        talkerId: talk.talkerId,
        talkerName: talk.talkerName,
        grantId: talk.grantId,
        grantNumber: talk.grantNumber,
        emergency: talk.emergency === true,
        startedAt,
        durationMs: finished.durationMs,
        bytes: finished.bytes,
        nodeId: this.#options.nodeId,
        file: finished.relativePath,
      });
      logger.info(
        { transmissionId: id, durationMs: finished.durationMs, bytes: finished.bytes },
        'transmission recorded',
      );
    } catch (error) {
      // No row without a file, no file without a row.
      await fs.rm(full, { force: true });
      logger.error({ err: error }, 'transmission not recorded: cataloguing it failed');
    }
  }

  /** Waits until every ended transmission is written and catalogued (tests, shutdown). */
  async settled(): Promise<void> {
    while (this.#active.size > 0) await Promise.allSettled([...this.#active]);
  }

  /** Ends the recordings in progress and waits for them. Idempotent. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const recording of [...this.#recordings]) recording.end();
    await this.settled();
  }
}

class ActiveRecording implements TalkRecording {
  readonly #file: TransmissionFile;
  readonly #onEnd: (packets: number) => void;
  #packets = 0;
  #ended = false;

  constructor(file: TransmissionFile, onEnd: (packets: number) => void) {
    this.#file = file;
    this.#onEnd = onEnd;
  }

  packet(rtp: Buffer): void {
    if (this.#ended) return;
    const payload = rtpPayload(rtp);
    if (payload === null || payload.length === 0) return;
    this.#packets += 1;
    // The writer copies the bytes into the page it is filling; no copy of its own here.
    this.#file.write(payload);
  }

  end(): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#onEnd(this.#packets);
  }
}

function isNoSpace(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && error.code === 'ENOSPC';
}
