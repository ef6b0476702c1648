import type { AuditEntryView } from '../types';
import type { Executor } from './executor';

export interface AuditEntry {
  actorId: string | null;
  /** Dotted verb, e.g. `channel.create`, `event_member.set`. */
  action: string;
  targetType:
    | 'user'
    | 'event'
    | 'team'
    | 'channel'
    | 'event_member'
    | 'channel_member'
    | 'signin_code'
    | 'transmission'
    | 'emergency';
  targetId: string | null;
  /** What changed. Never passwords or tokens. */
  details?: Record<string, unknown>;
}

export async function recordAudit(db: Executor, entry: AuditEntry): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({
      actor_id: entry.actorId,
      action: entry.action,
      target_type: entry.targetType,
      target_id: entry.targetId,
      details: JSON.stringify(entry.details ?? {}),
    })
    .execute();
}

/** Newest first; `beforeId` pages further back. */
export async function listAudit(
  db: Executor,
  options: { limit: number; beforeId?: number },
): Promise<AuditEntryView[]> {
  let query = db.selectFrom('audit_log').selectAll();
  if (options.beforeId !== undefined) query = query.where('id', '<', options.beforeId);
  const rows = await query.orderBy('id', 'desc').limit(options.limit).execute();
  return rows.map((r) => ({
    id: r.id,
    actorId: r.actor_id,
    action: r.action,
    targetType: r.target_type,
    targetId: r.target_id,
    details: r.details,
    at: r.at,
  }));
}
