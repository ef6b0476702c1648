import { randomInt } from 'node:crypto';
import fs from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { OggOpusWriter } from './oggOpus';

/** Suffix of a file still being written; such files are never listed and are removed at start-up. */
export const PARTIAL_SUFFIX = '.partial';

export interface FinishedFile {
  /** Path relative to the recordings directory. */
  relativePath: string;
  bytes: number;
  /** Duration from the packets' own sample counts. */
  durationMs: number;
  packets: number;
}

/**
 * Completed pages are held until this many bytes are waiting, then appended in one `writev` (about 4 s of
 * 32 kbit/s audio): most push-to-talk transmissions are shorter, so their pages are written once, at the end.
 * Holding them costs nothing in safety, since a crash discards the unfinished file anyway.
 */
const WRITE_BATCH_BYTES = 16 * 1024;

/**
 * One transmission being written as an Ogg Opus file. Pages are appended in order to `<name>.ogg.partial`;
 * `finish()` writes the last page, fsyncs the file, renames it to `<name>.ogg` and fsyncs the directory, so a
 * crash leaves either a complete file or a `.partial` one (removed at the next start), never a torn `.ogg`.
 *
 * Ownership: the file owns its open handle; `abort()` (idempotent) closes and deletes it.
 */
export class TransmissionFile {
  readonly relativePath: string;
  readonly #final: string;
  readonly #partial: string;
  readonly #writer: OggOpusWriter;
  #handle: Promise<FileHandle>;
  /** Appends run one after another; a failure is kept and reported by finish(). */
  #chain: Promise<void>;
  #bytes = 0;
  #packets = 0;
  /** Completed pages not yet handed to a write. */
  #waiting: Buffer[] = [];
  #waitingBytes = 0;
  #done = false;

  private constructor(directory: string, relativePath: string, comments: Record<string, string>) {
    this.relativePath = relativePath;
    this.#final = path.join(directory, relativePath);
    this.#partial = this.#final + PARTIAL_SUFFIX;
    this.#writer = new OggOpusWriter({ serial: randomInt(0, 0xffff_ffff), comments });
    this.#handle = fs
      .mkdir(path.dirname(this.#final), { recursive: true })
      .then(() => fs.open(this.#partial, 'wx'));
    this.#chain = Promise.resolve();
    this.#hold(this.#writer.headers());
  }

  /** Starts a file under `directory` (created as needed). */
  static create(
    directory: string,
    relativePath: string,
    comments: Record<string, string> = {},
  ): TransmissionFile {
    return new TransmissionFile(directory, relativePath, comments);
  }

  get packets(): number {
    return this.#packets;
  }

  /** Adds one Opus packet (the payload of a forwarded RTP packet). */
  write(opus: Uint8Array): void {
    if (this.#done) return;
    this.#packets += 1;
    const page = this.#writer.packet(opus);
    if (page !== null) this.#hold(page);
  }

  /** Completes the file; rejects (after removing the partial file) if any write failed. */
  async finish(): Promise<FinishedFile> {
    if (this.#done) throw new Error('The recording is already finished');
    this.#done = true;
    try {
      this.#hold(this.#writer.finish());
      this.#enqueue();
      await this.#chain;
      const handle = await this.#handle;
      await handle.sync();
      await handle.close();
      await fs.rename(this.#partial, this.#final);
      await syncDirectory(path.dirname(this.#final));
    } catch (error) {
      await this.#discard();
      throw error;
    }
    return {
      relativePath: this.relativePath,
      bytes: this.#bytes,
      durationMs: Math.round(this.#writer.samples / 48),
      packets: this.#packets,
    };
  }

  /** Drops the transmission: closes and deletes the partial file. Idempotent. */
  async abort(): Promise<void> {
    if (this.#done) return;
    this.#done = true;
    await this.#chain.catch(() => undefined);
    await this.#discard();
  }

  #hold(page: Buffer): void {
    this.#waiting.push(page);
    this.#waitingBytes += page.length;
    if (this.#waitingBytes >= WRITE_BATCH_BYTES) this.#enqueue();
  }

  /** Hands the waiting pages to one append, after the ones before it. */
  #enqueue(): void {
    if (this.#waiting.length === 0) return;
    const pages = this.#waiting;
    this.#waiting = [];
    this.#waitingBytes = 0;
    this.#chain = this.#chain.then(() => this.#append(pages));
    // Marked handled here; the failure itself is reported by finish().
    this.#chain.catch(() => undefined);
  }

  async #append(pages: Buffer[]): Promise<void> {
    const handle = await this.#handle;
    const { bytesWritten } = await handle.writev(pages);
    let expected = 0;
    for (const page of pages) expected += page.length;
    if (bytesWritten !== expected) {
      // writev on a regular file writes everything or fails; a short count means the disk filled up.
      throw Object.assign(new Error(`Short write: ${bytesWritten} of ${expected} bytes`), { code: 'ENOSPC' });
    }
    this.#bytes += bytesWritten;
  }

  async #discard(): Promise<void> {
    try {
      await (await this.#handle).close();
    } catch {
      // Already closed, or never opened.
    }
    await fs.rm(this.#partial, { force: true });
  }
}

async function syncDirectory(directory: string): Promise<void> {
  const handle = await fs.open(directory, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
