import fs from 'node:fs/promises';
import type { Logger } from 'pino';
import type { Executor } from '../controlplane/repositories/executor';
import { DiskGuard } from './DiskGuard';
import { RetentionSweeper } from './RetentionSweeper';
import { TransmissionRecorder } from './TransmissionRecorder';
import { TransmissionService } from './TransmissionService';

export interface RecordingsOptions {
  directory: string;
  minFreeBytes: number;
  sweepIntervalMs: number;
  diskCheckIntervalMs?: number;
  nodeId: string;
  db: Executor;
  logger: Logger;
}

/**
 * Transmission history on one node: the recorder (fed by the media path), the disk guard, the retention
 * sweeper and the service behind the API.
 *
 * Ownership: owns the recorder, the sweeper and the disk guard; close() stops the sweeper, completes the
 * recordings in progress, then stops the disk guard (idempotent). The database belongs to the control plane,
 * which closes after this.
 */
export class Recordings {
  readonly directory: string;
  readonly recorder: TransmissionRecorder;
  readonly service: TransmissionService;
  readonly disk: DiskGuard;
  readonly sweeper: RetentionSweeper;
  #closing: Promise<void> | undefined;

  private constructor(options: RecordingsOptions, logger: Logger) {
    this.directory = options.directory;
    this.service = new TransmissionService(options.db, () => this.recorder.forgetPolicies());
    this.disk = new DiskGuard({
      directory: options.directory,
      minFreeBytes: options.minFreeBytes,
      checkIntervalMs: options.diskCheckIntervalMs ?? 5000,
      logger,
    });
    this.recorder = new TransmissionRecorder({
      directory: options.directory,
      nodeId: options.nodeId,
      store: this.service.store,
      disk: this.disk,
      logger,
    });
    this.sweeper = new RetentionSweeper({
      directory: options.directory,
      store: this.service.store,
      intervalMs: options.sweepIntervalMs,
      logger,
    });
  }

  static async start(options: RecordingsOptions): Promise<Recordings> {
    await fs.mkdir(options.directory, { recursive: true });
    const logger = options.logger.child({ module: 'recordings' });
    const recordings = new Recordings(options, logger);
    await recordings.recorder.removeLeftovers();
    await recordings.disk.check();
    logger.info({ directory: options.directory }, 'recording transmissions');
    return recordings;
  }

  close(): Promise<void> {
    this.#closing ??= (async () => {
      await this.sweeper.close();
      await this.recorder.close();
      this.disk.close();
    })();
    return this.#closing;
  }
}
