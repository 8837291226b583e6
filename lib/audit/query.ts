import 'server-only';
import { and, desc, eq, gte, inArray, lt, or, sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { auditEvents, type AuditEvent } from '@/db/schema';

export interface AuditFilters {
  /** inclusive start, exclusive end (epoch ms) */
  from?: number;
  to?: number;
  actorId?: string;
  /** substring of the action, case-insensitive */
  action?: string;
  roleId?: string;
  principalId?: string;
  /** limit to these scopes (a scope and its descendants, already expanded by the caller) */
  scopeIds?: string[];
  /** "my audit": events I did or that were about me */
  involving?: string;
}

export const AUDIT_PAGE_SIZE = 50;

function where(f: AuditFilters): SQL | undefined {
  const parts: (SQL | undefined)[] = [];
  if (f.from !== undefined) parts.push(gte(auditEvents.at, f.from));
  if (f.to !== undefined) parts.push(lt(auditEvents.at, f.to));
  if (f.actorId) parts.push(eq(auditEvents.actorId, f.actorId));
  if (f.action) parts.push(sql`lower(${auditEvents.action}) LIKE ${'%' + f.action.toLowerCase().replace(/[%_]/g, '') + '%'}`);
  if (f.roleId) parts.push(eq(auditEvents.roleId, f.roleId));
  if (f.principalId) parts.push(eq(auditEvents.principalId, f.principalId));
  if (f.involving) parts.push(or(eq(auditEvents.actorId, f.involving), eq(auditEvents.principalId, f.involving)));
  if (f.scopeIds) parts.push(f.scopeIds.length ? inArray(auditEvents.scopeId, f.scopeIds) : sql`0`);
  return parts.length ? and(...parts) : undefined;
}

/** One page of events, newest first, with the total for the pager. */
export function queryAudit(db: DbOrTx, f: AuditFilters, page = 1, pageSize = AUDIT_PAGE_SIZE): { rows: AuditEvent[]; total: number; page: number; pages: number } {
  const w = where(f);
  const total = db.select({ n: sql<number>`count(*)` }).from(auditEvents).where(w).get()?.n ?? 0;
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const p = Math.min(Math.max(1, page), pages);
  const rows = db.select().from(auditEvents).where(w).orderBy(desc(auditEvents.seq)).limit(pageSize).offset((p - 1) * pageSize).all();
  return { rows, total, page: p, pages };
}

/** Every matching event for export, newest first, in chunks so a large log does not sit in memory twice. */
export function* iterateAudit(db: DbOrTx, f: AuditFilters, chunk = 1000): Generator<AuditEvent> {
  const w = where(f);
  let before = Number.MAX_SAFE_INTEGER;
  for (;;) {
    const rows = db.select().from(auditEvents).where(and(w, lt(auditEvents.seq, before))).orderBy(desc(auditEvents.seq)).limit(chunk).all();
    yield* rows;
    if (rows.length < chunk) return;
    before = rows[rows.length - 1].seq;
  }
}

/** Distinct actions seen, for the filter's suggestions. */
export function auditActions(db: DbOrTx): string[] {
  return db.selectDistinct({ a: auditEvents.action }).from(auditEvents).orderBy(auditEvents.action).all().map((r) => r.a);
}

/** Activations and approvals per UTC day over the last `days` days, for the admin home chart. */
export function activityPerDay(db: DbOrTx, now: number, days = 14, scopeIds?: string[]): { day: string; activations: number; approvals: number }[] {
  const DAY = 86_400_000;
  const start = Math.floor(now / DAY) * DAY - (days - 1) * DAY;
  const rows = db
    .select({ at: auditEvents.at, action: auditEvents.action })
    .from(auditEvents)
    .where(and(gte(auditEvents.at, start), scopeIds ? (scopeIds.length ? inArray(auditEvents.scopeId, scopeIds) : sql`0`) : undefined))
    .all();
  const out = Array.from({ length: days }, (_, i) => ({ day: new Date(start + i * DAY).toISOString().slice(0, 10), activations: 0, approvals: 0 }));
  for (const r of rows) {
    const i = Math.floor((r.at - start) / DAY);
    if (i < 0 || i >= days) continue;
    // action names written by lib/activation and lib/approvals
    if (r.action === 'Role activated') out[i].activations++;
    else if (r.action === 'Request approved') out[i].approvals++;
  }
  return out;
}
