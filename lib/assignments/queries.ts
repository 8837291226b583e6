import 'server-only';
import { sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { aboveScope, inSubtree, subtreeRange } from '@/db/tree';
import {
  DAY_MS,
  evaluateAdminRequest,
  nodeOf,
  scheduleStatus,
  type PolicyIndex,
  type ScheduleFact,
  type ScheduleStatus,
} from '@/lib/policy';
import { policyIndex } from '@/lib/tenant/engine';
import { containsPattern, keysetPage, PAGE_SIZE, type Key, type Page, type Seek } from '@/lib/portal/keyset';

export interface AssignmentView {
  schedule: ScheduleFact;
  status: ScheduleStatus;
  principalName: string;
  roleName: string;
  /** made at an ancestor: shown read-only with the scope it comes from */
  inherited: boolean;
  /** made at a scope below the one viewed (the "below" list) */
  below: boolean;
  fromScopeId: string;
  /** what the list offers; the engine still decides on submit */
  canExtend: boolean;
  canRenew: boolean;
}

export interface AssignmentFilters {
  /** eligible / active (current) / expired (ended or removed) */
  tab?: 'eligible' | 'active' | 'expired';
  roleId?: string;
  /** only these roles (the management access tab: Owner and User Access Administrator) */
  roleIds?: readonly string[];
  /** part of the principal's name */
  q?: string;
  /**
   * 'here' (default): made at the scope, and (current ones) inherited from above;
   * 'below': made at the scope or at any scope below it.
   */
  where?: 'here' | 'below';
}

/** Keys of the assignment lists: [made elsewhere 0/1, start, id], start newest first. */
export const ASSIGNMENT_KEY_SHAPE = ['n', 'n', 's'] as const;

interface Raw {
  id: string;
  kind: 'eligible' | 'active';
  principalType: 'User' | 'Group';
  principalId: string;
  roleId: string;
  scopeId: string;
  startAt: number;
  endAt: number | null;
  revokedAt: number | null;
  origin: 'assigned' | 'activated';
  linkedEligibilityId: string | null;
  principalName: string;
  elsewhere: number;
}

type Table = 'eligibility_schedules' | 'assignment_schedules';

/** The columns of a list row; `from` names the schedule table as `s` (possibly joined). */
function columns(table: Table, scopeId: string): SQL {
  const extra =
    table === 'assignment_schedules'
      ? sql.raw(`'active' AS kind, s.origin AS origin, s.linked_eligibility_id AS linkedEligibilityId`)
      : sql.raw(`'eligible' AS kind, 'assigned' AS origin, NULL AS linkedEligibilityId`);
  return sql`s.id AS id, ${extra}, s.principal_type AS principalType, s.principal_id AS principalId, s.role_id AS roleId,
      s.scope_id AS scopeId, s.start_at AS startAt, s.end_at AS endAt, s.revoked_at AS revokedAt,
      coalesce(u.display_name, g.name, s.principal_id) AS principalName, (s.scope_id <> ${scopeId}) AS elsewhere`;
}

/**
 * The list's order and its seek predicate over one schedule table `s`, forward or
 * backward: made here first (the "here" list only), then newest first, then id.
 */
function orderOf(scopeId: string, byPlace: boolean, dir: 'forward' | 'backward', from: Key | null): { seek: SQL; inner: SQL; outer: SQL } {
  const f = dir === 'forward';
  const d = sql.raw(f ? 'DESC' : 'ASC');
  const a = sql.raw(f ? 'ASC' : 'DESC');
  const inner = byPlace
    ? sql`ORDER BY (s.scope_id <> ${scopeId}) ${a}, s.start_at ${d}, s.id ${d}`
    : sql`ORDER BY s.start_at ${d}, s.id ${d}`;
  const outer = byPlace ? sql`ORDER BY elsewhere ${a}, startAt ${d}, id ${d}` : sql`ORDER BY startAt ${d}, id ${d}`;
  if (!from) return { seek: sql`1`, inner, outer };
  const [e, t, id] = from;
  const gt = sql.raw(f ? '>' : '<');
  const lt = sql.raw(f ? '<' : '>');
  const time = sql`(s.start_at ${lt} ${t} OR (s.start_at = ${t} AND s.id ${lt} ${id}))`;
  const seek = byPlace ? sql`((s.scope_id <> ${scopeId}) ${gt} ${e} OR ((s.scope_id <> ${scopeId}) = ${e} AND ${time}))` : time;
  return { seek, inner, outer };
}

/** Below this many resources a subtree's schedules are found from its resources; above, newest schedules first. */
const SMALL_SUBTREE = 10_000;

/**
 * Assignments at a scope from SQL, a page at a time: made here and inherited from the ≤ 6
 * scopes above (aboveScope), or made here and anywhere below (a range of the resource
 * paths). Ended ones are read from SQL too, since the engine keeps only live ones. The
 * engine is asked only about the rows shown (may they be extended or renewed).
 *
 * Below a large scope the schedules are walked newest first (an index on start) and each
 * checked for lying in the subtree, so a page stops after its rows; below a small one
 * they are found from the subtree's resources and sorted, as there are few.
 */
export function assignmentsPage(
  db: DbOrTx,
  scopeId: string,
  now: number,
  filters: AssignmentFilters = {},
  at: Seek = {},
  size = PAGE_SIZE,
): Page<AssignmentView> {
  const index = policyIndex(db);
  const node = nodeOf(index, scopeId);
  if (!node) return { rows: [], next: null, prev: null };
  const id = node.fact.id;
  const tab = filters.tab ?? 'eligible';
  const below = filters.where === 'below';
  const liveAt = sql`(s.revoked_at IS NULL OR s.revoked_at > ${now}) AND (s.end_at IS NULL OR s.end_at > ${now})`;
  const parts: SQL[] = [tab === 'expired' ? sql`NOT (${liveAt})` : liveAt];
  // ended assignments above are not this scope's business: only ones made here (or below) are listed
  if (!below) parts.push(tab === 'expired' ? sql`s.scope_id = ${id}` : aboveScope(sql`s.scope_id`, id));
  if (filters.roleId) parts.push(sql`s.role_id = ${filters.roleId}`);
  if (filters.roleIds)
    parts.push(
      filters.roleIds.length
        ? sql`s.role_id IN (${sql.join(
            filters.roleIds.map((r) => sql`${r}`),
            sql`, `,
          )})`
        : sql`0`,
    );
  const q = filters.q?.trim();
  if (q) parts.push(sql`coalesce(u.display_name, g.name, s.principal_id) LIKE ${containsPattern(q)} ESCAPE '\\'`);
  const small =
    below &&
    (db.get<{ n: number }>(
      sql`SELECT count(*) AS n FROM (SELECT 1 FROM resources r WHERE ${subtreeRange(sql`r.path`, id)} LIMIT ${SMALL_SUBTREE + 1})`,
    )?.n ?? 0) <= SMALL_SUBTREE;
  const names = sql`LEFT JOIN users u ON s.principal_type = 'User' AND u.id = s.principal_id
    LEFT JOIN groups g ON s.principal_type = 'Group' AND g.id = s.principal_id`;
  const fromOf = (table: Table): SQL => {
    if (!below) return sql`FROM ${sql.raw(table)} s ${names}`;
    if (small) return sql`FROM resources r CROSS JOIN ${sql.raw(table)} s ON s.scope_id = r.id ${names}`;
    return sql`FROM ${sql.raw(table)} s INDEXED BY ${sql.raw(`${table}_newest`)} ${names}`;
  };
  if (below) parts.push(small ? subtreeRange(sql`r.path`, id) : inSubtree(sql`s.scope_id`, id));
  const where = sql.join(parts, sql` AND `);
  const tables: Table[] =
    tab === 'eligible'
      ? ['eligibility_schedules']
      : tab === 'active'
        ? ['assignment_schedules']
        : ['eligibility_schedules', 'assignment_schedules'];
  const page = keysetPage(
    at,
    size,
    (dir, from, limit) => {
      const o = orderOf(id, !below, dir, from);
      // each table's own newest-first page, then the two merged: a page reads its rows plus one per table
      const arms = tables.map(
        (t) => sql`SELECT * FROM (SELECT ${columns(t, id)} ${fromOf(t)} WHERE ${where} AND ${o.seek} ${o.inner} LIMIT ${limit})`,
      );
      return db.all<Raw>(sql`${sql.join(arms, sql` UNION ALL `)} ${o.outer} LIMIT ${limit}`);
    },
    (r) => [below ? 0 : r.elsewhere, r.startAt, r.id],
  );
  return { ...page, rows: page.rows.map((r) => toView(index, r, now, below)) };
}

function toView(index: PolicyIndex, r: Raw, now: number, belowList: boolean): AssignmentView {
  const schedule: ScheduleFact = {
    id: r.id,
    kind: r.kind,
    principal: { type: r.principalType, id: r.principalId },
    roleId: r.roleId,
    scopeId: r.scopeId,
    startAt: r.startAt,
    endAt: r.endAt,
    revokedAt: r.revokedAt,
    origin: r.origin,
    linkedEligibilityId: r.linkedEligibilityId,
  };
  const status = scheduleStatus(schedule, now);
  const ended = status === 'Expired' || status === 'Revoked';
  const inherited = r.elsewhere === 1 && !belowList;
  return {
    schedule,
    status,
    principalName: r.principalName,
    roleName: index.roles.get(r.roleId)?.name ?? r.roleId,
    inherited,
    below: r.elsewhere === 1 && belowList,
    fromScopeId: r.scopeId,
    canExtend: !inherited && !ended && inWindowFor(index, schedule, 'AdminExtend', now),
    canRenew: !inherited && ended && schedule.origin === 'assigned' && inWindowFor(index, schedule, 'AdminRenew', now),
  };
}

/** The first page of assignments at a scope (direct first, newest first). */
export function assignmentsAt(db: DbOrTx, scopeId: string, now: number, filters: AssignmentFilters = {}): AssignmentView[] {
  return assignmentsPage(db, scopeId, now, filters).rows;
}

/**
 * Does the engine consider the schedule inside its extend / renew window? Asked with a
 * nominal new window; only the window verdict matters here (the real request is
 * evaluated in full on submit).
 */
function inWindowFor(index: PolicyIndex, s: ScheduleFact, requestType: 'AdminExtend' | 'AdminRenew', now: number): boolean {
  const r = evaluateAdminRequest(index, {
    actorId: '',
    requestType,
    kind: s.kind,
    principal: s.principal,
    roleId: s.roleId,
    scopeId: s.scopeId,
    startAt: requestType === 'AdminExtend' ? s.startAt : now,
    endAt: now + DAY_MS,
    targetScheduleId: s.id,
    now,
  });
  const code = requestType === 'AdminExtend' ? 'not-in-extend-window' : 'not-in-renew-window';
  // the engine forgets schedules that ended before the renew window: those are past renewing;
  // activations are never extended or renewed (rule 4)
  return r.ok || !r.violations.some((v) => v.code === code || v.code === 'target-not-found' || v.code === 'activation-not-extendable');
}
