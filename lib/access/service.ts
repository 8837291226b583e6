import 'server-only';
import { inArray } from 'drizzle-orm';
import { getDb } from '@/db';
import type { DbOrTx } from '@/db/client';
import { resources } from '@/db/schema';
import {
  effectiveEnd,
  nodeOf,
  scheduleStatus,
  schedulesReaching,
  type NameLookup,
  type PolicyIndex,
  type ScheduleFact,
} from '@/lib/policy';
import { explainAccess, type AccessExplanation } from '@/lib/policy/explain';
import { policyIndex } from '@/lib/tenant/engine';
import { nameLookup } from '@/lib/resources/names';
import { requireManagementAccess, requirePimAdmin } from '@/lib/resources/access';
import { searchResources, type ResourceRow } from '@/lib/resources/levels';
import { ASSIGNMENT_KEY_SHAPE, assignmentsPage, type AssignmentView } from '@/lib/assignments/queries';
import { ElevateError } from '@/lib/errors';
import { decodeCursor, keysetPage, type Key, type Page, type Seek } from '@/lib/portal/keyset';
import { scopeCrumbs, type ScopeCrumb } from '@/lib/portal/scope-path';
import { activationPhrase, grantorsSentence, kindLabel, roleSentence, windowPhrase, type RoleSentence, type WindowPhrase } from './wording';

/**
 * My access (issue 15): what a user holds and may activate, where, why, and what it takes,
 * and the admin views of it. Loads what the engine needs (the index follows the change
 * log; names and ARM ids from SQL for the rows shown) and asks explainAccess; every
 * function authorizes the viewer itself, so pages and routes cannot forget to.
 */

/** Rows per page of the lists. */
export const ACCESS_PAGE_SIZE = 25;
/** A row's place in My access: (active 0 / eligible 1, role name, scope name, id), lower-cased names. */
export const ACCESS_KEY_SHAPE = ['n', 's', 's', 's'] as const;
/** Resources a search answers with; more means "type more". */
export const SEARCH_LIMIT = 10;

/** A user's own access, or a tenant PIM administrator looking at anyone's (Users and groups is theirs). */
export function authorizeUserView(index: PolicyIndex, viewerId: string, userId: string): void {
  if (viewerId === userId) return;
  requirePimAdmin(index, viewerId);
}

export interface AccessRow {
  scheduleId: string;
  kind: 'active' | 'eligible';
  status: 'Active' | 'Scheduled';
  roleId: string;
  roleName: string;
  scopeId: string;
  crumbs: ScopeCrumb[];
  armId: string;
  /** "directly" or "through group Ops" */
  source: string;
  groupName: string | null;
  origin: 'assigned' | 'activated';
  startAt: number;
  /** when it stops granting; null = permanent */
  endAt: number | null;
  window: WindowPhrase;
  /** eligible rows: activating at the assignment's own scope ("needs approval by Avery"); below it, each scope has its own settings */
  atScope: string | null;
}

export interface AccessList {
  user: { id: string; displayName: string };
  rows: AccessRow[];
  next: string | null;
  prev: string | null;
  /** every live row of the user (few per person); `q` applied */
  count: number;
  q: string;
}

/** The live schedules (active or scheduled) reaching the user: the engine's schedulesReaching, at scopes that still exist. */
function reaching(index: PolicyIndex, userId: string, now: number): ScheduleFact[] {
  const user = index.users.get(userId);
  if (!user || user.disabled) return [];
  return schedulesReaching(index, userId).filter((s) => {
    const st = scheduleStatus(s, now);
    return (st === 'Active' || st === 'Scheduled') && nodeOf(index, s.scopeId) !== undefined;
  });
}

function compareKeys(a: Key, b: Key): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
  return 0;
}

function armIds(db: DbOrTx, ids: string[]): Map<string, string> {
  const unique = [...new Set(ids)];
  if (!unique.length) return new Map();
  return new Map(
    db
      .select({ id: resources.id, armId: resources.armId })
      .from(resources)
      .where(inArray(resources.id, unique))
      .all()
      .map((r) => [r.id, r.armId]),
  );
}

function toRow(index: PolicyIndex, names: NameLookup, userId: string, s: ScheduleFact, now: number): AccessRow {
  const status = scheduleStatus(s, now) === 'Scheduled' ? 'Scheduled' : 'Active';
  const groupName = s.principal.type === 'Group' ? names.principal(s.principal) : null;
  let atScope: string | null = null;
  if (s.kind === 'eligible' && status === 'Active') {
    const role = explainAccess(index, userId, s.scopeId, now, { roleIds: [s.roleId] }).roles.find((r) => r.roleId === s.roleId);
    if (role) atScope = activationPhrase(index, names, role.activation, role);
  }
  return {
    scheduleId: s.id,
    kind: s.kind,
    status,
    roleId: s.roleId,
    roleName: names.role(s.roleId),
    scopeId: s.scopeId,
    crumbs: scopeCrumbs(index, s.scopeId),
    armId: s.scopeId,
    source: groupName ? `through group ${groupName}` : 'directly',
    groupName,
    origin: s.origin,
    startAt: s.startAt,
    endAt: effectiveEnd(s),
    window: windowPhrase({
      kind: s.kind,
      scheduleId: s.id,
      memberType: 'Direct',
      fromScopeId: s.scopeId,
      inherited: false,
      origin: s.origin,
      status,
      startAt: s.startAt,
      endAt: s.endAt,
    }),
    atScope,
  };
}

/**
 * Every role the user holds now and every role they may activate, at the scope it was
 * assigned at (it reaches everything below), active first, then by role and scope name.
 * A person has a handful of schedules, read from the engine's per-principal index, so the
 * list is ordered in memory and cut with the keyset cursors every list uses.
 */
export function accessList(
  viewerId: string,
  userId: string,
  now: number,
  opts: { seek?: Seek; q?: string; size?: number } = {},
  db: DbOrTx = getDb(),
): AccessList {
  const index = policyIndex(db);
  authorizeUserView(index, viewerId, userId);
  const user = index.users.get(userId);
  if (!user) throw new ElevateError('NotFound', 'That user does not exist.');
  const names = nameLookup(index);
  const q = (opts.q ?? '').trim().toLowerCase();
  const placed: { key: Key; s: ScheduleFact }[] = [];
  for (const s of reaching(index, userId, now)) {
    const role = names.role(s.roleId).toLowerCase();
    const scope = (nodeOf(index, s.scopeId)?.fact.name ?? s.scopeId).toLowerCase();
    if (q && !role.includes(q) && !scope.includes(q)) continue;
    placed.push({ key: [s.kind === 'active' ? 0 : 1, role.slice(0, 200), scope.slice(0, 200), s.id], s });
  }
  placed.sort((a, b) => compareKeys(a.key, b.key));
  const page: Page<{ key: Key; s: ScheduleFact }> = keysetPage(
    opts.seek ?? {},
    opts.size ?? ACCESS_PAGE_SIZE,
    (dir, from, limit) => {
      const rows =
        dir === 'forward'
          ? placed.filter((p) => !from || compareKeys(p.key, from) > 0)
          : placed.filter((p) => !from || compareKeys(p.key, from) < 0).reverse();
      return rows.slice(0, limit);
    },
    (p) => p.key,
  );
  const rows = page.rows.map((p) => toRow(index, names, userId, p.s, now));
  const ids = armIds(
    db,
    rows.map((r) => r.scopeId),
  );
  for (const r of rows) r.armId = ids.get(r.scopeId) ?? r.scopeId;
  return { user: { id: user.id, displayName: user.displayName }, rows, next: page.next, prev: page.prev, count: placed.length, q };
}

export interface ResourceAnswer {
  resource: { id: string; name: string; kind: string; crumbs: ScopeCrumb[]; armId: string };
  explanation: AccessExplanation;
  roles: RoleSentence[];
  /** "To get access, ask an administrator of …" when some role is out of reach */
  grantors: string;
}

/**
 * "Can this user touch this resource, and if not, what would it take?" The engine's answer
 * per role the user has anything for, plus the roles asked about (`roleIds`), in words.
 */
export function accessAt(
  viewerId: string,
  userId: string,
  resourceId: string,
  now: number,
  opts: { roleIds?: string[] } = {},
  db: DbOrTx = getDb(),
): ResourceAnswer | null {
  const index = policyIndex(db);
  authorizeUserView(index, viewerId, userId);
  const node = nodeOf(index, resourceId);
  if (!node) return null;
  const names = nameLookup(index);
  const explanation = explainAccess(index, userId, node.fact.id, now, { roleIds: opts.roleIds, grantors: 5 });
  return {
    resource: {
      id: node.fact.id,
      name: node.fact.name,
      kind: kindLabel(index, node.fact.id),
      crumbs: scopeCrumbs(index, node.fact.id),
      armId: armIds(db, [node.fact.id]).get(node.fact.id) ?? node.fact.id,
    },
    explanation,
    roles: explanation.roles.map((r) => roleSentence(index, names, r)),
    grantors: grantorsSentence(index, names, explanation),
  };
}

export interface ResourceHit extends ResourceRow {
  crumbs: ScopeCrumb[];
}

/**
 * Resources by name (or ARM id prefix, text starting with "/") for the My access search:
 * in SQL on the name index, at most SEARCH_LIMIT, never the tree. Scopes are not secret
 * (ADR 062); what anyone holds there is, and only the person's own answer is shown.
 */
export function findResources(q: string, db: DbOrTx = getDb()): { hits: ResourceHit[]; more: boolean } {
  const text = q.trim();
  if (!text) return { hits: [], more: false };
  const index = policyIndex(db);
  const page = searchResources(db, { q: text }, {}, SEARCH_LIMIT);
  return { hits: page.rows.map((r) => ({ ...r, crumbs: scopeCrumbs(index, r.id) })), more: page.next !== null };
}

export interface HolderRow {
  view: AssignmentView;
  principalType: 'User' | 'Group';
  /** "assigned here", "from the subscription" */
  why: string;
  /** eligible users: what activating here takes for them; groups: "each member: …" */
  activation: string | null;
  window: WindowPhrase;
}

export interface ResourceHolders {
  resource: { id: string; name: string; crumbs: ScopeCrumb[] };
  active: Page<HolderRow>;
  eligible: Page<HolderRow>;
}

function holderRow(index: PolicyIndex, names: NameLookup, resourceId: string, v: AssignmentView, now: number): HolderRow {
  const s = v.schedule;
  const why = v.inherited ? `from the ${kindLabel(index, v.fromScopeId)} ${names.scope(v.fromScopeId)}` : 'assigned here';
  let activation: string | null = null;
  if (s.kind === 'eligible' && v.status === 'Active') {
    // a group's members each activate for themselves: one member stands for the rule, the
    // engine is still asked per person when they activate
    const userId =
      s.principal.type === 'User' ? s.principal.id : index.groups.get(s.principal.id)?.memberIds.find((m) => !index.users.get(m)?.disabled);
    const role = userId
      ? explainAccess(index, userId, resourceId, now, { roleIds: [s.roleId] }).roles.find((r) => r.roleId === s.roleId)
      : undefined;
    if (role)
      activation = `${s.principal.type === 'Group' ? 'for its members: ' : ''}${activationPhrase(index, names, role.activation, role)}`;
    else if (s.principal.type === 'Group') activation = 'the group has no enabled member';
  }
  const status = v.status === 'Scheduled' ? 'Scheduled' : 'Active';
  return {
    view: v,
    principalType: s.principal.type,
    why,
    activation,
    window: windowPhrase({
      kind: s.kind,
      scheduleId: s.id,
      memberType: 'Direct',
      fromScopeId: s.scopeId,
      inherited: v.inherited,
      origin: s.origin,
      status,
      startAt: s.startAt,
      endAt: s.endAt,
    }),
  };
}

/**
 * "Who has access here, and why": active and eligible assignments made at the resource or
 * inherited from above, each keyset-paged in SQL (assignmentsPage), each row with the
 * engine's answer for activating here. For those with PIM management access at the resource.
 */
export function resourceHolders(
  viewerId: string,
  resourceId: string,
  now: number,
  opts: { active?: Seek; eligible?: Seek; q?: string; size?: number } = {},
  db: DbOrTx = getDb(),
): ResourceHolders | null {
  const index = policyIndex(db);
  const node = nodeOf(index, resourceId);
  if (!node) return null;
  requireManagementAccess(index, viewerId, node.fact.id, now);
  const id = node.fact.id;
  const list = (tab: 'active' | 'eligible') => holdersPage(db, index, id, tab, opts[tab] ?? {}, opts.q, opts.size ?? ACCESS_PAGE_SIZE, now);
  return { resource: { id, name: node.fact.name, crumbs: scopeCrumbs(index, id) }, active: list('active'), eligible: list('eligible') };
}

function holdersPage(
  db: DbOrTx,
  index: PolicyIndex,
  id: string,
  tab: 'active' | 'eligible',
  seek: Seek,
  q: string | undefined,
  size: number,
  now: number,
): Page<HolderRow> {
  const names = nameLookup(index);
  const p = assignmentsPage(db, id, now, { tab, q }, seek, size);
  return { ...p, rows: p.rows.map((v) => holderRow(index, names, id, v, now)) };
}

/**
 * Every holder row for the CSV export (all of it, as the person asked), read 500 at a time
 * with the list's own cursors, so neither the rows nor the file sit in memory at once.
 * Authorizes once, up front; null for an unknown resource.
 */
export function resourceHoldersExport(
  viewerId: string,
  resourceId: string,
  now: number,
  db: DbOrTx = getDb(),
): { name: string; rows: Iterable<HolderRow> } | null {
  const index = policyIndex(db);
  const node = nodeOf(index, resourceId);
  if (!node) return null;
  requireManagementAccess(index, viewerId, node.fact.id, now);
  const id = node.fact.id;
  function* rows(): Generator<HolderRow> {
    for (const tab of ['active', 'eligible'] as const) {
      let seek: Seek = {};
      for (;;) {
        const page = holdersPage(db, policyIndex(db), id, tab, seek, undefined, 500, now);
        yield* page.rows;
        const key = page.next ? decodeCursor(page.next, ASSIGNMENT_KEY_SHAPE) : null;
        if (!key) break;
        seek = { after: key };
      }
    }
  }
  return { name: node.fact.name, rows: rows() };
}
