import 'server-only';
import { sql } from 'drizzle-orm';
import { SQLiteTransaction } from 'drizzle-orm/sqlite-core';
import type { DbOrTx } from '@/db/client';
import {
  describe,
  isAncestorOrSelf,
  managementAccess,
  nodeOf,
  MAX_OWNERS_PER_SCOPE,
  MAX_PERMANENT_OWNERS_PER_SCOPE,
  type Alert,
  type PolicyIndex,
} from '@/lib/policy';
import {
  ALERT_SEVERITY,
  localAlertsAt,
  orderedAlerts,
  scanAlerts,
  scanValidUntil,
  selfMadeAlerts,
  type AlertScan,
  type SelfMadeCandidate,
} from '@/lib/policy/alerts-scan';
import { utcStamp } from '@/lib/notify/utc';
import { currentRevision, policyIndex } from '@/lib/tenant/engine';
import { nameLookup } from '@/lib/resources/names';
import { administeredScopes, isAdministered } from '@/lib/resources/administered';
import { scopePathText } from '@/lib/portal/scope-path';

export interface AlertView {
  alert: Alert;
  title: string;
  /** who or what is behind it, in words (the first few) */
  detail: string[];
  /** how many more are behind it than `detail` names */
  moreDetail: number;
  severity: 'high' | 'medium';
  /** where to fix it */
  fixHref: string;
  fixLabel: string;
}

/** Names an alert shows; the count says the rest. */
const DETAIL_NAMES = 8;

const scopeHref = (scopeId: string, tab: string, extra = '') => `/admin/scope?id=${encodeURIComponent(scopeId)}&tab=${tab}${extra}`;

function view(index: PolicyIndex, a: Alert): AlertView {
  const names = nameLookup(index);
  const where = scopePathText(index, a.scopeId);
  const role = names.role(a.roleId);
  const severity = ALERT_SEVERITY[a.type];
  const principals = a.principals ?? [];
  const named = principals.slice(0, DETAIL_NAMES).map((p) => names.principal(p));
  const rest = Math.max(0, principals.length - named.length);
  switch (a.type) {
    case 'too-many-owners':
      return {
        alert: a,
        severity,
        title: `${principals.length} owners on ${where} (more than ${MAX_OWNERS_PER_SCOPE})`,
        detail: named,
        moreDetail: rest,
        fixHref: scopeHref(a.scopeId, 'assignments', `&role=${a.roleId}`),
        fixLabel: 'Review Owner assignments',
      };
    case 'too-many-permanent-owners':
      return {
        alert: a,
        severity,
        title: `${principals.length} permanent owners on ${where} (more than ${MAX_PERMANENT_OWNERS_PER_SCOPE})`,
        detail: named,
        moreDetail: rest,
        fixHref: scopeHref(a.scopeId, 'assignments', `&role=${a.roleId}`),
        fixLabel: 'Make them time-bound',
      };
    case 'permanent-privileged-active':
      return {
        alert: a,
        severity,
        title: `${role} held as a permanent active assignment on ${where}`,
        detail: named.map((p) => `${p}: consider making them eligible instead`),
        moreDetail: rest,
        fixHref: scopeHref(a.scopeId, 'assignments', `&tab2=active&role=${a.roleId}`),
        fixLabel: 'Review active assignments',
      };
    case 'self-made-assignment': {
      const made = a.selfMade ?? [];
      const lines = made.slice(0, DETAIL_NAMES).map((m) => {
        const creator = names.principal({ type: 'User', id: m.createdBy });
        const whom =
          m.principal.type === 'User' ? 'for themselves' : `for group ${names.principal(m.principal)}, which they are a member of`;
        const until = m.endAt === null ? 'permanent' : `until ${utcStamp(m.endAt)}`;
        return `${creator} made an ${m.kind} ${role} assignment ${whom} (${until})`;
      });
      return {
        alert: a,
        severity,
        title:
          `${role} on ${where}: ` +
          `${made.length === 1 ? 'an assignment an administrator made' : `${made.length} assignments administrators made`} for themselves`,
        detail: lines,
        moreDetail: Math.max(0, made.length - lines.length),
        fixHref: scopeHref(
          a.scopeId,
          'assignments',
          `&tab2=${made.some((m) => m.kind === 'eligible') ? 'eligible' : 'active'}&role=${a.roleId}`,
        ),
        fixLabel: made.length === 1 ? 'Review the assignment' : 'Review the assignments',
      };
    }
    case 'weaker-child-settings': {
      const shown = (a.weakerChildren ?? []).slice(0, DETAIL_NAMES);
      return {
        alert: a,
        severity,
        title: `Child scopes demand less than ${role} on ${where}`,
        detail: shown.map((w) => w.reasons.map((r) => describe(r, names)).join('; ')),
        moreDetail: Math.max(0, (a.weakerCount ?? a.weakerChildren?.length ?? 0) - shown.length),
        fixHref: scopeHref(a.scopeId, 'settings', `&role=${a.roleId}`),
        fixLabel: 'Apply settings to child scopes',
      };
    }
  }
}

/**
 * The tenant's alerts, computed once per change rather than per view, and kept per
 * database (one per process): a view reads the kept list. A change to schedules (the
 * usual one: assignments, activations, their ends) re-evaluates only the scopes it
 * touched, found in the change log; a change to settings, resources or roles (which move
 * weaker children anywhere below) scans the tenant once. Time alone clears alerts only
 * when a schedule behind one ends: those few scopes are looked at again then. Inside a
 * transaction nothing is kept (it may roll back).
 */
interface Kept {
  root: unknown;
  revision: number;
  /** the scan holds for [builtAt, validUntil) */
  builtAt: number;
  validUntil: number;
  scan: AlertScan;
  self: SelfKept;
  ordered: Alert[] | null;
}

/**
 * The self-made-assignment alerts, kept beside the scan: their candidates come from SQL
 * (partial indexes of 0010), a whole read only when nothing is kept, then per change: a
 * changed schedule is read again by its id, a group whose members changed has its
 * schedules read again by group. The engine confirms each (selfMadeAlerts).
 */
interface SelfKept {
  candidates: Map<string, SelfMadeCandidate>;
  alerts: Alert[];
  /** the alerts hold until then: an assignment behind one ends */
  until: number;
}
const cache = ((globalThis as unknown as { __elevateAlerts?: { kept: Kept | null } }).__elevateAlerts ??= { kept: null });

/** What keeping the alerts cost: tests check that views reuse them and changes patch them. */
export const alertStats = { scans: 0, patches: 0, selfReads: 0, selfPatches: 0 };

/** More logged changes than this since the kept revision and a scan is cheaper than patching. */
const PATCH_AT_MOST = 5000;

/**
 * What changed since `since`, from the change log: which scopes' local alerts to look at
 * again (or "scan"), and which schedules and groups the self-made alerts read again (or
 * "read them all", when the log no longer covers what was kept).
 */
interface Changes {
  local: { kind: 'none' } | { kind: 'scan' } | { kind: 'scopes'; scopeIds: Set<string> };
  self: { kind: 'none' } | { kind: 'read' } | { kind: 'patch'; scheduleIds: Set<string>; groupIds: Set<string> };
}

function changesSince(db: DbOrTx, index: PolicyIndex, since: number, revision: number): Changes {
  if (revision === since) return { local: { kind: 'none' }, self: { kind: 'none' } };
  const first = db.get<{ m: number | null }>(sql`SELECT min(seq) AS m FROM change_log`)?.m ?? null;
  // pruned past what was kept
  if (first === null || first > since + 1) return { local: { kind: 'scan' }, self: { kind: 'read' } };
  const rows = db.all<{ entity: string; entityId: string }>(
    sql`SELECT entity, entity_id AS entityId FROM change_log WHERE seq > ${since} AND seq <= ${revision} ORDER BY seq LIMIT ${PATCH_AT_MOST + 1}`,
  );
  if (rows.length > PATCH_AT_MOST) return { local: { kind: 'scan' }, self: { kind: 'read' } };
  const scopeIds = new Set<string>();
  const scheduleIds = new Set<string>();
  const groupIds = new Set<string>();
  let scan = false;
  for (const r of rows) {
    if (r.entity === 'resource' || r.entity === 'settings' || r.entity === 'role') scan = true;
    else if (r.entity === 'group')
      groupIds.add(r.entityId); // memberships: who a group's self-made assignments belong to
    else if (r.entity === 'schedule') {
      scheduleIds.add(r.entityId);
      if (scan) continue;
      const scopeId =
        index.schedules.get(r.entityId)?.scopeId ??
        db.get<{ s: string }>(
          sql`SELECT scope_id AS s FROM eligibility_schedules WHERE id = ${r.entityId}
            UNION ALL SELECT scope_id FROM assignment_schedules WHERE id = ${r.entityId}`,
        )?.s;
      if (scopeId === undefined) scan = true;
      else scopeIds.add(scopeId);
    } // requests and users raise no alert
  }
  return {
    local: scan ? { kind: 'scan' } : scopeIds.size ? { kind: 'scopes', scopeIds } : { kind: 'none' },
    self: scheduleIds.size || groupIds.size ? { kind: 'patch', scheduleIds, groupIds } : { kind: 'none' },
  };
}

type CandidateRow = {
  id: string;
  kind: 'eligible' | 'active';
  principalType: 'User' | 'Group';
  principalId: string;
  roleId: string;
  scopeId: string;
  createdBy: string;
  startAt: number;
  endAt: number | null;
  revokedAt: number | null;
  origin: 'assigned' | 'activated';
};

const toCandidate = (r: CandidateRow): SelfMadeCandidate => ({
  id: r.id,
  kind: r.kind,
  principal: { type: r.principalType, id: r.principalId },
  roleId: r.roleId,
  scopeId: r.scopeId,
  startAt: r.startAt,
  endAt: r.endAt,
  revokedAt: r.revokedAt,
  origin: r.origin,
  linkedEligibilityId: null,
  createdBy: r.createdBy,
});

const COLS = (kind: 'eligible' | 'active', origin: string) =>
  sql.raw(
    `s.id AS id, '${kind}' AS kind, s.principal_type AS principalType, s.principal_id AS principalId, s.role_id AS roleId, s.scope_id AS scopeId,
   s.created_by AS createdBy, s.start_at AS startAt, s.end_at AS endAt, s.revoked_at AS revokedAt, ${origin} AS origin`,
  );
const NOT_ENDED = (now: number) => sql`s.revoked_at IS NULL AND (s.end_at IS NULL OR s.end_at > ${now})`;

/**
 * Every candidate, from the partial indexes of migration 0010: a user's own assignments
 * (created_by = principal_id, activations excluded), and the schedules of groups whose
 * creator is a member now. Reads the rows that are candidates, never the schedule tables.
 */
function readCandidates(db: DbOrTx, now: number): Map<string, SelfMadeCandidate> {
  const rows = db.all<CandidateRow>(sql`
    SELECT ${COLS('eligible', "'assigned'")} FROM eligibility_schedules s INDEXED BY eligibility_self_made
     WHERE s.created_by = s.principal_id AND s.principal_type = 'User' AND ${NOT_ENDED(now)}
    UNION ALL
    SELECT ${COLS('active', 's.origin')} FROM assignment_schedules s INDEXED BY assignment_self_made
     WHERE s.created_by = s.principal_id AND s.origin = 'assigned' AND s.principal_type = 'User' AND ${NOT_ENDED(now)}
    UNION ALL
    SELECT ${COLS('eligible', "'assigned'")} FROM eligibility_schedules s INDEXED BY eligibility_group_creator
      JOIN group_members gm ON gm.group_id = s.principal_id AND gm.user_id = s.created_by
     WHERE s.principal_type = 'Group' AND ${NOT_ENDED(now)}
    UNION ALL
    SELECT ${COLS('active', 's.origin')} FROM assignment_schedules s INDEXED BY assignment_group_creator
      JOIN group_members gm ON gm.group_id = s.principal_id AND gm.user_id = s.created_by
     WHERE s.principal_type = 'Group' AND s.origin = 'assigned' AND ${NOT_ENDED(now)}`);
  alertStats.selfReads++;
  return new Map(rows.map((r) => [r.id, toCandidate(r)]));
}

/** A candidate row, if the schedule still is one (primary-key reads). */
function readCandidate(db: DbOrTx, id: string, now: number): SelfMadeCandidate | undefined {
  const row = db.get<CandidateRow>(sql`
    SELECT ${COLS('eligible', "'assigned'")} FROM eligibility_schedules s WHERE s.id = ${id} AND s.created_by IS NOT NULL AND ${NOT_ENDED(now)}
    UNION ALL
    SELECT ${COLS('active', 's.origin')} FROM assignment_schedules s
    WHERE s.id = ${id} AND s.origin = 'assigned' AND s.created_by IS NOT NULL AND ${NOT_ENDED(now)}`);
  if (!row) return undefined;
  if (row.principalType === 'User') return row.createdBy === row.principalId ? toCandidate(row) : undefined;
  const member = db.get(sql`SELECT 1 AS x FROM group_members WHERE group_id = ${row.principalId} AND user_id = ${row.createdBy}`);
  return member ? toCandidate(row) : undefined;
}

/** A group's candidates: its schedules whose creator is a member now (by group, over the partial indexes). */
function readGroupCandidates(db: DbOrTx, groupId: string, now: number): SelfMadeCandidate[] {
  return db
    .all<CandidateRow>(
      sql`
    SELECT ${COLS('eligible', "'assigned'")} FROM eligibility_schedules s INDEXED BY eligibility_group_creator
      JOIN group_members gm ON gm.group_id = s.principal_id AND gm.user_id = s.created_by
     WHERE s.principal_type = 'Group' AND s.principal_id = ${groupId} AND ${NOT_ENDED(now)}
    UNION ALL
    SELECT ${COLS('active', 's.origin')} FROM assignment_schedules s INDEXED BY assignment_group_creator
      JOIN group_members gm ON gm.group_id = s.principal_id AND gm.user_id = s.created_by
     WHERE s.principal_type = 'Group' AND s.principal_id = ${groupId} AND s.origin = 'assigned' AND ${NOT_ENDED(now)}`,
    )
    .map(toCandidate);
}

function keepSelf(index: PolicyIndex, candidates: Map<string, SelfMadeCandidate>, now: number): SelfKept {
  const { alerts, until } = selfMadeAlerts(index, candidates.values(), now);
  return { candidates, alerts, until };
}

/** The self-made alerts after the logged changes: only the schedules and groups that changed are read again. */
function patchSelf(db: DbOrTx, index: PolicyIndex, kept: SelfKept, changes: Changes['self'], now: number): SelfKept {
  if (changes.kind === 'read') return keepSelf(index, readCandidates(db, now), now);
  if (changes.kind === 'none') return now >= kept.until ? keepSelf(index, kept.candidates, now) : kept;
  const candidates = new Map(kept.candidates);
  for (const id of changes.scheduleIds) {
    const c = readCandidate(db, id, now);
    if (c) candidates.set(id, c);
    else candidates.delete(id);
  }
  for (const groupId of changes.groupIds) {
    for (const [id, c] of candidates) if (c.principal.type === 'Group' && c.principal.id === groupId) candidates.delete(id);
    for (const c of readGroupCandidates(db, groupId, now)) candidates.set(c.id, c);
  }
  alertStats.selfPatches++;
  return keepSelf(index, candidates, now);
}

function patch(scan: AlertScan, index: PolicyIndex, scopeIds: Iterable<string>, now: number): void {
  for (const id of scopeIds) {
    const l = localAlertsAt(index, id, now);
    if (l.alerts.length) scan.local.set(id, l);
    else scan.local.delete(id);
  }
  alertStats.patches++;
}

export function alertScan(db: DbOrTx, now: number): { index: PolicyIndex; alerts: Alert[] } {
  const root = (db as unknown as { session?: unknown }).session ?? db;
  const inTx = db instanceof SQLiteTransaction;
  const revision = currentRevision(db);
  const index = policyIndex(db);
  let kept = cache.kept;
  if (!kept || kept.root !== root || now < kept.builtAt || inTx) kept = null;
  if (kept) {
    const changes = changesSince(db, index, kept.revision, revision);
    // kept apart: settings, resource and role changes scan the tenant but leave these alone
    const self = patchSelf(db, index, kept.self, changes.self, now);
    const selfChanged = self !== kept.self;
    if (changes.local.kind === 'scan') {
      const scan = scanAlerts(index, now);
      alertStats.scans++;
      kept = { root, revision, builtAt: now, validUntil: scanValidUntil(scan), scan, self, ordered: null };
    } else {
      // a copy: a view still holding the old list keeps a consistent one
      const scan: AlertScan = { local: new Map(kept.scan.local), weaker: kept.scan.weaker };
      const touched = new Set(changes.local.kind === 'scopes' ? changes.local.scopeIds : []);
      // alerts whose schedules have ended since: only those scopes can have changed with time
      if (now >= kept.validUntil) for (const [id, l] of scan.local) if (l.until <= now) touched.add(id);
      if (touched.size) {
        patch(scan, index, touched, now);
        kept = { root, revision, builtAt: kept.builtAt, validUntil: scanValidUntil(scan), scan, self, ordered: null };
      } else kept = { ...kept, revision, self, ordered: selfChanged ? null : kept.ordered };
    }
  }
  if (!kept) {
    const scan = scanAlerts(index, now);
    alertStats.scans++;
    kept = {
      root,
      revision,
      builtAt: now,
      validUntil: scanValidUntil(scan),
      scan,
      self: keepSelf(index, readCandidates(db, now), now),
      ordered: null,
    };
  }
  kept.ordered ??= orderedAlerts(kept.scan, kept.self.alerts);
  if (!inTx) cache.kept = kept;
  return { index, alerts: kept.ordered };
}

/** Forget the kept alerts (tests that rewrite a database behind the log's back). */
export function forgetAlerts(): void {
  cache.kept = null;
}

export interface AlertPage {
  items: AlertView[];
  total: number;
  high: number;
}

/**
 * The alerts a user may see, worst first: within one scope's subtree (the scope's Alerts
 * tab, which needs management access there), or everywhere the user administers (the
 * admin home). Filters the kept list (an ancestor walk per alert, no SQL); only the
 * alerts shown are put in words.
 */
export function alertsFor(
  db: DbOrTx,
  userId: string,
  now: number,
  opts: { within?: string; offset?: number; limit?: number } = {},
): AlertPage {
  const { index, alerts } = alertScan(db, now);
  const limit = Math.max(0, opts.limit ?? 50);
  const offset = Math.max(0, opts.offset ?? 0);
  let mine: Alert[];
  if (opts.within) {
    const node = nodeOf(index, opts.within);
    if (!node || !managementAccess(index, userId, node.fact.id, now).allowed) return { items: [], total: 0, high: 0 };
    mine = alerts.filter((a) => isAncestorOrSelf(index, node.fact.id, a.scopeId));
  } else {
    const adm = administeredScopes(db, index, userId, now);
    mine = adm.everywhere ? alerts : alerts.filter((a) => isAdministered(index, adm, a.scopeId));
  }
  const high = mine.filter((a) => ALERT_SEVERITY[a.type] === 'high').length;
  return { items: mine.slice(offset, offset + limit).map((a) => view(index, a)), total: mine.length, high };
}
