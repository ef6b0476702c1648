import { requireAdmin } from '../access/policy';
import { listAudit } from '../repositories/audit';
import type { Actor, AuditEntryView } from '../types';
import type { ServiceContext } from './context';

/** Reading the audit log of administrative actions: an admin setting. */
export class AuditService {
  readonly #ctx: ServiceContext;

  constructor(ctx: ServiceContext) {
    this.#ctx = ctx;
  }

  async list(actor: Actor, options: { limit: number; beforeId?: number }): Promise<AuditEntryView[]> {
    requireAdmin(actor);
    return listAudit(this.#ctx.db, options);
  }
}
