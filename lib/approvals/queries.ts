import 'server-only';
import { and, asc, desc, eq, inArray, isNotNull, isNull, sql, type SQL } from 'drizzle-orm';
import type { Db, DbOrTx } from '@/db/client';
import { approvalDecisions, requestApprovers, requests, type RequestRow } from '@/db/schema';
import { inSubtree } from '@/db/tree';
import { canDecide, isTenantPimAdmin, managementAccess, type PolicyIndex, type PrincipalRef } from '@/lib/policy';
import { policyIndex } from '@/lib/tenant/engine';
import { requestFact } from '@/lib/tenant/snapshot';
import { containsPattern, keysetPage, type Key, type Seek } from '@/lib/portal/keyset';
import { administeredScopes, withinAdministered } from '@/lib/resources/administered';
import { toItems } from './items';
import type { ApprovalFilters, ApprovalItem, ApprovalSort, HistoryItem } from './types';

/** Rows per page of the queue, admin pending and history. */
export const APPROVALS_PAGE_SIZE = 50;
/** The badge counts up to here ("1000+" is the queue's business). */
export const COUNT_CAP = 1000;

/*
 * Every list here reads pending rows only (status = 'PendingApproval', written as a
 * literal so SQLite may use the partial indexes of migration 0005), in the order shown,
 * from the cursor on: a page costs its rows and the pending requests it skips, never the
 * request history. SQL narrows, the engine has the last word on each row it returns.
 */

/**
 * Still waiting at `now` (the engine's requestStatus: TimedOut from the deadline on). The
 * deadline test is the requests_pending_deadline index's expression, so that order starts
 * past the timed-out rows a sweep has not stored yet.
 */
const live = (now: number) =>
  sql`${requests.status} = 'PendingApproval' AND ifnull(${requests.approvalDeadline}, 9007199254740991) > ${now}`;
const noApprovers = sql`NOT EXISTS (SELECT 1 FROM ${requestApprovers} ra WHERE ra.request_id = ${requests.id})`;
/** Self extend / renew with no named approver go to the scope's administrators (canDecide). */
const adminApproved = sql`${requests.requestType} IN ('SelfExtend', 'SelfRenew')`;

/**
 * The SQL mirror of canDecide: pending, not the user's own (as requester or principal),
 * and the user is a named approver (directly or through a group), or no approver was
 * captured and the user is a tenant PIM administrator (or, for self extend / renew,
 * manages the scope).
 */
function decidableBy(db: DbOrTx, index: PolicyIndex, userId: string, now: number): SQL | null {
  const user = index.users.get(userId);
  if (!user || user.disabled) return null;
  const pimAdmin = isTenantPimAdmin(index, userId);
  const named = sql`EXISTS (SELECT 1 FROM ${requestApprovers} ra WHERE ra.request_id = ${requests.id} AND (
      (ra.principal_type = 'User' AND ra.principal_id = ${userId})
      OR (ra.principal_type = 'Group' AND ra.principal_id IN (SELECT gm.group_id FROM group_members gm WHERE gm.user_id = ${userId}))))`;
  const adm = administeredScopes(db, index, userId, now);
  const manages = withinAdministered(sql`${requests.scopeId}`, adm) ?? sql`1`;
  const byAdmin = pimAdmin
    ? sql`(${noApprovers} AND (NOT ${adminApproved} OR ${manages}))`
    : sql`(${noApprovers} AND ${adminApproved} AND ${manages})`;
  return sql`(${live(now)} AND ${requests.requesterId} <> ${userId}
    AND NOT (${requests.principalType} = 'User' AND ${requests.principalId} = ${userId})
    AND (${named} OR ${byAdmin}))`;
}

/** Free text over requester, principal, role, scope, justification and ticket (LIKE, wildcards escaped). */
function searchWhere(q: string): SQL {
  const p = containsPattern(q);
  const like = (col: SQL) => sql`${col} LIKE ${p} ESCAPE '\\'`;
  return sql`(${like(sql`${requests.justification}`)} OR ${like(sql`${requests.ticketNumber}`)} OR ${like(sql`${requests.ticketSystem}`)}
    OR EXISTS (SELECT 1 FROM users u WHERE u.id = ${requests.requesterId} AND (${like(sql`u.display_name`)} OR ${like(sql`u.email`)}))
    OR EXISTS (SELECT 1 FROM users u WHERE ${requests.principalType} = 'User' AND u.id = ${requests.principalId} AND ${like(sql`u.display_name`)})
    OR EXISTS (SELECT 1 FROM groups g WHERE ${requests.principalType} = 'Group' AND g.id = ${requests.principalId} AND ${like(sql`g.name`)})
    OR EXISTS (SELECT 1 FROM role_definitions rd WHERE rd.id = ${requests.roleId} AND ${like(sql`rd.name`)})
    OR EXISTS (SELECT 1 FROM resources sc WHERE sc.id = ${requests.scopeId} AND (${like(sql`sc.display_name`)} OR ${like(sql`sc.id`)})))`;
}

function filterWhere(f: ApprovalFilters): SQL[] {
  const out: SQL[] = [];
  const q = f.q?.trim();
  if (q) out.push(searchWhere(q));
  if (f.roleId) out.push(eq(requests.roleId, f.roleId));
  // at this scope or below: a path-range test per pending row (db/tree.ts)
  if (f.scopeId) out.push(inSubtree(requests.scopeId, f.scopeId.toLowerCase()));
  if (f.mfa === 'verified') out.push(isNotNull(requests.mfaVerifiedAt));
  if (f.mfa === 'not-verified') out.push(isNull(requests.mfaVerifiedAt));
  return out;
}

/**
 * Each order the queue offers: SQL key columns (ascending in list order unless `reverse`),
 * the cursor's shape, and the partial index that holds pending rows in that order, named
 * to SQLite because its planner would rather sort every pending row than walk a partial
 * index and stop at the page's end.
 */
const ORDERS: Record<ApprovalSort, { cols: SQL[]; reverse: boolean; shape: readonly ('s' | 'n')[]; index?: string }> = {
  oldest: { cols: [sql`${requests.createdAt}`, sql`${requests.id}`], reverse: false, shape: ['n', 's'], index: 'requests_pending_created' },
  newest: { cols: [sql`${requests.createdAt}`, sql`${requests.id}`], reverse: true, shape: ['n', 's'], index: 'requests_pending_created' },
  // soonest time-out first: the expression of the requests_pending_deadline index
  deadline: {
    cols: [sql`ifnull(${requests.approvalDeadline}, 9007199254740991)`, sql`${requests.createdAt}`, sql`${requests.id}`],
    reverse: false,
    shape: ['n', 'n', 's'],
    index: 'requests_pending_deadline',
  },
  requester: {
    cols: [
      sql`ifnull((SELECT u.display_name FROM users u WHERE u.id = ${requests.requesterId}), '')`,
      sql`${requests.createdAt}`,
      sql`${requests.id}`,
    ],
    reverse: false,
    shape: ['s', 'n', 's'],
  },
  role: {
    cols: [
      sql`ifnull((SELECT rd.name FROM role_definitions rd WHERE rd.id = ${requests.roleId}), '')`,
      sql`${requests.createdAt}`,
      sql`${requests.id}`,
    ],
    reverse: false,
    shape: ['s', 'n', 's'],
  },
};

export const sortShape = (sort: ApprovalSort = 'oldest') => (ORDERS[sort] ?? ORDERS.oldest).shape;

type Row = RequestRow & { key: Key };

/**
 * One keyset page of pending requests matching `where` (which must hold the literal
 * pending-status term, see `live`), in the chosen order: the page's keys from the order's
 * index, then its rows by primary key.
 */
function pendingPage(db: DbOrTx, where: SQL | null, sort: ApprovalSort, seek: Seek, size: number) {
  const o = ORDERS[sort] ?? ORDERS.oldest;
  const tuple = sql`(${sql.join(o.cols, sql`, `)})`;
  return keysetPage<Row>(
    seek,
    size,
    (dir, from, limit) => {
      if (!where) return [];
      // list order is ascending unless `reverse`; reading backward flips it
      const ascending = (dir === 'forward') !== o.reverse;
      const past = from
        ? sql` AND ${tuple} ${sql.raw(ascending ? '>' : '<')} (${sql.join(
            from.map((v) => sql`${v}`),
            sql`, `,
          )})`
        : sql``;
      const keys = db.all<{ id: string; k0: string | number; createdAt: number }>(sql`
      SELECT ${requests.id} AS id, ${o.cols[0]} AS k0, ${requests.createdAt} AS createdAt
        FROM ${requests}${o.index ? sql.raw(` INDEXED BY ${o.index}`) : sql``}
       WHERE ${where}${past}
       ORDER BY ${sql.join(
         o.cols.map((c) => sql`${c} ${sql.raw(ascending ? 'ASC' : 'DESC')}`),
         sql`, `,
       )}
       LIMIT ${limit}`);
      if (!keys.length) return [];
      const rows = new Map(
        db
          .select()
          .from(requests)
          .where(
            inArray(
              requests.id,
              keys.map((k) => k.id),
            ),
          )
          .all()
          .map((r) => [r.id, r]),
      );
      return keys.flatMap((k) => {
        const r = rows.get(k.id);
        return r ? [{ ...r, key: (o.cols.length === 2 ? [k.createdAt, k.id] : [k.k0, k.createdAt, k.id]) as Key }] : [];
      });
    },
    (r) => r.key,
  );
}

/** Approvers captured for these requests, by request id: one query for a page. */
function approversOf(db: DbOrTx, ids: string[]): Map<string, PrincipalRef[]> {
  const out = new Map<string, PrincipalRef[]>();
  if (!ids.length) return out;
  for (const a of db.select().from(requestApprovers).where(inArray(requestApprovers.requestId, ids)).all()) {
    const list = out.get(a.requestId) ?? [];
    list.push({ type: a.principalType, id: a.principalId });
    out.set(a.requestId, list);
  }
  return out;
}

export interface QueuePage {
  items: ApprovalItem[];
  next: string | null;
  prev: string | null;
}

export interface QueueOptions extends ApprovalFilters {
  seek?: Seek;
  size?: number;
}

/**
 * The approver's live queue: pending requests this user may decide, filtered, sorted and
 * keyset-paged in SQL (50 a page). SQL finds them; canDecide confirms each row shown.
 */
export function approvalQueue(db: Db, userId: string, now: number, opts: QueueOptions = {}): QueuePage {
  const index = policyIndex(db);
  const decidable = decidableBy(db, index, userId, now);
  const where = decidable ? and(decidable, ...filterWhere(opts))! : null;
  const page = pendingPage(db, where, opts.sort ?? 'oldest', opts.seek ?? {}, opts.size ?? APPROVALS_PAGE_SIZE);
  const approvers = approversOf(
    db,
    page.rows.map((r) => r.id),
  );
  const rows = page.rows.filter((r) => canDecide(index, userId, requestFact(r, approvers.get(r.id) ?? []), now).allowed);
  return { items: toItems(db, index, rows, now), next: page.next, prev: page.prev };
}

/** The first page of the queue, as a list (the engine-facing tests and callers that need no paging). */
export function pendingApprovals(db: Db, userId: string, now: number, filters: ApprovalFilters = {}): ApprovalItem[] {
  return approvalQueue(db, userId, now, filters).items;
}

/** The roles among the requests waiting for this user: the queue's Role filter choices, read by DISTINCT in SQL. */
export function pendingApprovalRoles(db: Db, userId: string, now: number): { id: string; name: string }[] {
  const index = policyIndex(db);
  const decidable = decidableBy(db, index, userId, now);
  if (!decidable) return [];
  return db
    .selectDistinct({ id: requests.roleId })
    .from(requests)
    .where(decidable)
    .limit(200)
    .all()
    .map((r) => ({ id: r.id, name: index.roles.get(r.id)?.name ?? r.id }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** Ids of pending requests this user may decide now (capped at COUNT_CAP), each confirmed by the engine. */
export function decidableRequestIds(db: Db, userId: string, now: number): string[] {
  const index = policyIndex(db);
  const decidable = decidableBy(db, index, userId, now);
  if (!decidable) return [];
  const ids = db
    .select({ id: requests.id })
    .from(requests)
    .where(decidable)
    .limit(COUNT_CAP)
    .all()
    .map((r) => r.id);
  // the index holds every pending request: no second read for the engine's check
  return ids.filter((id) => {
    const fact = index.requests.get(id);
    return fact !== undefined && canDecide(index, userId, fact, now).allowed;
  });
}

/** For the navigation badge: how many requests wait for this user's decision (up to COUNT_CAP). */
export function pendingApprovalCount(db: Db, userId: string, now: number): number {
  return decidableRequestIds(db, userId, now).length;
}

/**
 * The requests this user decided, newest decision first, keyset-paged on the
 * (approver, decided_at, id) index: a page reads its decisions and their requests only.
 */
export function decisionHistory(
  db: Db,
  userId: string,
  opts: { seek?: Seek; size?: number; now?: number } = {},
): { items: HistoryItem[]; next: string | null; prev: string | null; total: number; more: boolean } {
  const size = Math.min(Math.max(opts.size ?? APPROVALS_PAGE_SIZE, 1), 200);
  const mine = eq(approvalDecisions.approverId, userId);
  const key = sql`(${approvalDecisions.decidedAt}, ${approvalDecisions.id})`;
  const page = keysetPage(
    opts.seek ?? {},
    size,
    (dir, from, limit) => {
      const forward = dir === 'forward';
      const past = from ? sql`${key} ${sql.raw(forward ? '<' : '>')} (${from[0]}, ${from[1]})` : undefined;
      return db
        .select({ r: requests, d: approvalDecisions })
        .from(approvalDecisions)
        .innerJoin(requests, eq(requests.id, approvalDecisions.requestId))
        .where(and(mine, past))
        .orderBy(
          ...(forward
            ? [desc(approvalDecisions.decidedAt), desc(approvalDecisions.id)]
            : [asc(approvalDecisions.decidedAt), asc(approvalDecisions.id)]),
        )
        .limit(limit)
        .all();
    },
    (x) => [x.d.decidedAt, x.d.id],
  );
  const index = policyIndex(db);
  const items = toItems(
    db,
    index,
    page.rows.map((x) => x.r),
    opts.now ?? Date.now(),
  );
  // a count on the approver's index range that stops at the cap
  const counted =
    db.get<{ n: number }>(sql`SELECT count(*) AS n FROM (SELECT 1 FROM ${approvalDecisions} WHERE ${mine} LIMIT ${COUNT_CAP + 1})`)?.n ?? 0;
  return {
    total: Math.min(counted, COUNT_CAP),
    more: counted > COUNT_CAP,
    items: items.map((item, i) => ({
      ...item,
      decision: page.rows[i].d.decision,
      decisionJustification: page.rows[i].d.justification,
      decidedAt: page.rows[i].d.decidedAt,
    })),
    next: page.next,
    prev: page.prev,
  };
}

/**
 * Administrators: pending requests at scopes where they hold PIM management access,
 * filtered and keyset-paged in SQL (soonest time-out first by default). Where they manage
 * is a handful of subtree ranges (lib/resources/administered); managementAccess confirms
 * each row shown.
 */
export function adminPending(db: Db, userId: string, now: number, opts: QueueOptions = {}): QueuePage {
  const index = policyIndex(db);
  const adm = administeredScopes(db, index, userId, now);
  // manages nowhere: nothing to read (and no constant-false WHERE for the index hint)
  const where =
    adm.everywhere || adm.roots.length ? and(live(now), withinAdministered(sql`${requests.scopeId}`, adm), ...filterWhere(opts))! : null;
  const page = pendingPage(db, where, opts.sort ?? 'deadline', opts.seek ?? {}, opts.size ?? APPROVALS_PAGE_SIZE);
  const rows = page.rows.filter((r) => managementAccess(index, userId, r.scopeId, now).allowed);
  return { items: toItems(db, index, rows, now), next: page.next, prev: page.prev };
}

/** The first page of admin pending, as a list. */
export function pendingInScopesManagedBy(db: Db, userId: string, now: number, filters: ApprovalFilters = {}): ApprovalItem[] {
  return adminPending(db, userId, now, filters).items;
}
