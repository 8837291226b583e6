import { sql } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { DEMO_TENANT_ID } from '@/db/seed/demo';
import { TargetError, type ConnectionCheck, type RevokeOptions, type TargetDriver, type TargetGrant } from './types';

/** Test-only: an in-memory target with failure injection, and the demo's finance-dev database resource. */
export class MemoryTarget implements TargetDriver {
  readonly type = 'postgresql';
  readonly members_ = new Map<string, Set<string>>();
  readonly calls: string[] = [];
  /** logins that do not exist in the target (grant fails, not retryable) */
  readonly missingLogins = new Set<string>();
  down = false;
  closed = false;

  constructor(targets: string[]) {
    for (const t of targets) this.members_.set(t, new Set());
  }
  private check() {
    if (this.down) throw new TargetError('Cannot reach the PostgreSQL server (connection refused).', true);
  }
  async test(targets: string[]): Promise<ConnectionCheck> {
    const missingTargets = targets.filter((t) => !this.members_.has(t));
    return { ok: !this.down && missingTargets.length === 0, message: this.down ? 'down' : 'ok', missingTargets };
  }
  async members(targets: string[]) {
    this.check();
    return new Map(targets.map((t) => [t, new Set(this.members_.get(t) ?? [])]));
  }
  async grant(g: TargetGrant) {
    this.check();
    if (this.missingLogins.has(g.login)) throw new TargetError(`PostgreSQL has no login role "${g.login}" for this user.`, false);
    this.calls.push(`grant ${g.target} ${g.login}`);
    this.members_.get(g.target)!.add(g.login);
  }
  async revoke(g: TargetGrant, opts: RevokeOptions) {
    this.check();
    this.calls.push(`revoke ${g.target} ${g.login}${opts.terminateSessions ? ' +terminate' : ''}`);
    this.members_.get(g.target)?.delete(g.login);
    return { sessionsEnded: 0 };
  }
  async close() {
    this.closed = true;
  }
  has(target: string, login: string) {
    return this.members_.get(target)?.has(login) ?? false;
  }
}

export const FINANCE_DEV_DB_ARM =
  '/subscriptions/5e1f0c4a-2b7d-4c1e-9a3b-6d8f0e2a1c55/resourceGroups/finance-dev/providers/Microsoft.DBforPostgreSQL/flexibleServers/finance-dev-db';
export const FINANCE_DEV_DB = FINANCE_DEV_DB_ARM.toLowerCase();

/** Adds a PostgreSQL flexible server under finance-dev, as an import would. */
export function addFinanceDevDb(db: Db, now: number): string {
  const parent = FINANCE_DEV_DB.split('/providers/')[0];
  db.run(sql`INSERT INTO resources (id, arm_id, tenant_id, kind, type, name, display_name, parent_id, managed, managed_at, created_at)
    VALUES (${FINANCE_DEV_DB}, ${FINANCE_DEV_DB_ARM}, ${DEMO_TENANT_ID}, 'resource', 'Microsoft.DBforPostgreSQL/flexibleServers',
      'finance-dev-db', 'finance-dev-db', ${parent}, 1, ${now}, ${now})`);
  return FINANCE_DEV_DB;
}
