import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { DB } from '../../db/schema';
import type { TypedEmitter } from '../../util/TypedEmitter';
import type { AccessPair } from '../access/accessPairs';
import type { AccessRemovedReason, ControlPlaneEvents } from '../events';

/** What every control-plane service works with. */
export interface ServiceContext {
  readonly db: Kysely<DB>;
  readonly events: TypedEmitter<ControlPlaneEvents>;
  readonly logger: Logger;
}

/** Tells listeners about lost access; call after the transaction that caused it has committed. */
export function announceLostAccess(
  ctx: ServiceContext,
  lost: readonly AccessPair[],
  reason: AccessRemovedReason,
): void {
  for (const pair of lost) {
    ctx.events.emit('channelAccessRemoved', { userId: pair.userId, channelId: pair.channelId, reason });
  }
  if (lost.length > 0) ctx.logger.info({ count: lost.length, reason }, 'channel access removed');
}
