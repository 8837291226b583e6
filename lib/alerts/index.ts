import 'server-only';
import { sql } from 'drizzle-orm';
import { SQLiteTransaction } from 'drizzle-orm/sqlite-core';
import type { DbOrTx } from '@/db/client';
import {
  describe, isAncestorOrSelf, managementAccess, nodeOf, MAX_OWNERS_PER_SCOPE, MAX_PERMANENT_OWNERS_PER_SCOPE, type Alert, type PolicyIndex,
} from '@/lib/policy';
import { ALERT_SEVERITY, localAlertsAt, orderedAlerts, scanAlerts, scanValidUntil, type AlertScan } from '@/lib/policy/alerts-scan';
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
      return { alert: a, severity, title: `${principals.length} owners on ${where} (more than ${MAX_OWNERS_PER_SCOPE})`, detail: named, moreDetail: rest, fixHref: scopeHref(a.scopeId, 'assignments', `&role=${a.roleId}`), fixLabel: 'Review Owner assignments' };
    case 'too-many-permanent-owners':
      return { alert: a, severity, title: `${principals.length} permanent owners on ${where} (more than ${MAX_PERMANENT_OWNERS_PER_SCOPE})`, detail: named, moreDetail: rest, fixHref: scopeHref(a.scopeId, 'assignments', `&role=${a.roleId}`), fixLabel: 'Make them time-bound' };
    case 'permanent-privileged-active':
      return { alert: a, severity, title: `${role} held as a permanent active assignment on ${where}`, detail: named.map((p) => `${p}: consider making them eligible instead`), moreDetail: rest, fixHref: scopeHref(a.scopeId, 'assignments', `&tab2=active&role=${a.roleId}`), fixLabel: 'Review active assignments' };
    case 'weaker-child-settings': {
      const shown = (a.weakerChildren ?? []).slice(0, DETAIL_NAMES);
      return {
        alert: a, severity, title: `Child scopes demand less than ${role} on ${where}`,
        detail: shown.map((w) => w.reasons.map((r) => describe(r, names)).join('; ')),
        moreDetail: Math.max(0, (a.weakerCount ?? a.weakerChildren?.length ?? 0) - shown.length),
        fixHref: scopeHref(a.scopeId, 'settings', `&role=${a.roleId}`), fixLabel: 'Apply settings to child scopes',
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
  ordered: Alert[] | null;
}
const cache = ((globalThis as unknown as { __elevateAlerts?: { kept: Kept | null } }).__elevateAlerts ??= { kept: null });

/** What keeping the alerts cost: tests check that views reuse them and changes patch them. */
export const alertStats = { scans: 0, patches: 0 };

/** More logged changes than this since the kept revision and a scan is cheaper than patching. */
const PATCH_AT_MOST = 5000;

type Changes = { kind: 'none' } | { kind: 'scan' } | { kind: 'scopes'; scopeIds: Set<string> };

/** What changed since `since`, from the change log: which scopes' local alerts to look at again, or "scan". */
function changesSince(db: DbOrTx, index: PolicyIndex, since: number, revision: number): Changes {
  if (revision === since) return { kind: 'none' };
  const first = db.get<{ m: number | null }>(sql`SELECT min(seq) AS m FROM change_log`)?.m ?? null;
  if (first === null || first > since + 1) return { kind: 'scan' }; // pruned past what was kept
  const rows = db.all<{ entity: string; entityId: string }>(sql`SELECT entity, entity_id AS entityId FROM change_log WHERE seq > ${since} AND seq <= ${revision} ORDER BY seq LIMIT ${PATCH_AT_MOST + 1}`);
  if (rows.length > PATCH_AT_MOST) return { kind: 'scan' };
  const scopeIds = new Set<string>();
  for (const r of rows) {
    if (r.entity === 'resource' || r.entity === 'settings' || r.entity === 'role') return { kind: 'scan' };
    if (r.entity !== 'schedule') continue; // requests, users and groups raise no alert
    const scopeId = index.schedules.get(r.entityId)?.scopeId
      ?? db.get<{ s: string }>(sql`SELECT scope_id AS s FROM eligibility_schedules WHERE id = ${r.entityId} UNION ALL SELECT scope_id FROM assignment_schedules WHERE id = ${r.entityId}`)?.s;
    if (scopeId === undefined) return { kind: 'scan' };
    scopeIds.add(scopeId);
  }
  return { kind: 'scopes', scopeIds };
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
    if (changes.kind === 'scan') kept = null;
    else {
      // a copy: a view still holding the old list keeps a consistent one
      const scan: AlertScan = { local: new Map(kept.scan.local), weaker: kept.scan.weaker };
      const touched = new Set(changes.kind === 'scopes' ? changes.scopeIds : []);
      // alerts whose schedules have ended since: only those scopes can have changed with time
      if (now >= kept.validUntil) for (const [id, l] of scan.local) if (l.until <= now) touched.add(id);
      if (touched.size) {
        patch(scan, index, touched, now);
        kept = { root, revision, builtAt: kept.builtAt, validUntil: scanValidUntil(scan), scan, ordered: null };
      } else kept = { ...kept, revision };
    }
  }
  if (!kept) {
    const scan = scanAlerts(index, now);
    alertStats.scans++;
    kept = { root, revision, builtAt: now, validUntil: scanValidUntil(scan), scan, ordered: null };
  }
  kept.ordered ??= orderedAlerts(kept.scan);
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
export function alertsFor(db: DbOrTx, userId: string, now: number, opts: { within?: string; offset?: number; limit?: number } = {}): AlertPage {
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
