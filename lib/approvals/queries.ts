import 'server-only';
import { count, desc, eq, inArray } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { approvalDecisions, requests } from '@/db/schema';
import { canDecide, managementAccess, requestStatus, type RequestFact } from '@/lib/policy';
import { policyIndex } from '@/lib/tenant/engine';
import { filterApprovals } from './filter';
import { toItems } from './items';
import type { ApprovalFilters, ApprovalItem, HistoryItem } from './types';

function rowsFor(db: Db, facts: RequestFact[]) {
  if (!facts.length) return [];
  return db.select().from(requests).where(inArray(requests.id, facts.map((f) => f.id))).all();
}

/** Ids of pending requests this user may decide now, as the engine says (never their own). */
export function decidableRequestIds(db: Db, userId: string, now: number): string[] {
  const index = policyIndex(db);
  const out: string[] = [];
  for (const req of index.requests.values()) {
    if (requestStatus(req, now) === 'PendingApproval' && canDecide(index, userId, req, now).allowed) out.push(req.id);
  }
  return out;
}

/** The approvals queue: every pending request the user may decide, filtered and sorted. */
export function pendingApprovals(db: Db, userId: string, now: number, filters: ApprovalFilters = {}): ApprovalItem[] {
  const index = policyIndex(db);
  const facts = [...index.requests.values()].filter((r) => requestStatus(r, now) === 'PendingApproval' && canDecide(index, userId, r, now).allowed);
  return filterApprovals(toItems(db, index, rowsFor(db, facts), now), filters);
}

/** For the navigation badge: how many requests wait for this user's decision. */
export function pendingApprovalCount(db: Db, userId: string, now: number): number {
  return decidableRequestIds(db, userId, now).length;
}

/** The requests this user decided, newest first. */
export function decisionHistory(db: Db, userId: string, opts: { limit?: number; offset?: number; now?: number } = {}): { items: HistoryItem[]; total: number } {
  const limit = Math.min(Math.max(opts.limit ?? 25, 1), 200);
  const offset = Math.max(opts.offset ?? 0, 0);
  const mine = eq(approvalDecisions.approverId, userId);
  const total = db.select({ n: count() }).from(approvalDecisions).where(mine).get()?.n ?? 0;
  const rows = db
    .select({ r: requests, d: approvalDecisions })
    .from(approvalDecisions)
    .innerJoin(requests, eq(requests.id, approvalDecisions.requestId))
    .where(mine)
    .orderBy(desc(approvalDecisions.decidedAt))
    .limit(limit)
    .offset(offset)
    .all();
  const index = policyIndex(db);
  const items = toItems(db, index, rows.map((x) => x.r), opts.now ?? Date.now());
  return {
    total,
    items: items.map((item, i) => ({ ...item, decision: rows[i].d.decision, decisionJustification: rows[i].d.justification, decidedAt: rows[i].d.decidedAt })),
  };
}

/** Administrators: pending requests at scopes where they hold PIM management access (engine's managementAccess). */
export function pendingInScopesManagedBy(db: Db, userId: string, now: number, filters: ApprovalFilters = {}): ApprovalItem[] {
  const index = policyIndex(db);
  const facts = [...index.requests.values()].filter((r) => requestStatus(r, now) === 'PendingApproval' && managementAccess(index, userId, r.scopeId, now).allowed);
  return filterApprovals(toItems(db, index, rowsFor(db, facts), now), filters);
}
