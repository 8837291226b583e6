import 'server-only';
import type { DbOrTx } from '@/db/client';
import {
  describe,
  managementAccess,
  nodeOf,
  scheduleStatus,
  weakerThanAncestors,
  type Millis,
  type NameLookup,
  type PolicyIndex,
  type ResourceKind,
  type ResourceNode,
  type ScheduleFact,
} from '@/lib/policy';
import { scopeCrumbs, type ScopeCrumb } from '@/lib/portal/scope-path';
import type { Page, Seek } from '@/lib/portal/keyset';
import { nameLookup } from './names';
import { childrenPage, searchResources, type ResourceRow, type ResourceSearch } from './levels';

/**
 * One row of the resource tree browser, ready to send to the page: what is assigned here,
 * how much flows down from above, whether settings are explicit or weaker than above.
 * Lists of people are cut to a few names (the count says how many), so a row's size does
 * not grow with a busy scope.
 */
export interface TreeRow {
  id: string;
  armId: string;
  name: string;
  kind: ResourceKind;
  managed: boolean;
  /** PIM was enabled on this node itself (not only inherited) */
  enabledHere: boolean;
  childCount: number;
  /** role names with explicit settings at this node */
  explicitSettings: string[];
  /** why this scope demands less than an ancestor's explicit settings (rule 9), in words: the first few */
  weaker: string[];
  /** how many such reasons there are */
  weakerCount: number;
  directCount: number;
  /** "Sam: eligible Contributor", the first few */
  direct: string[];
  /** assignments made above that apply here too (siblings share them: see TreeLevel.inherited) */
  inheritedCount: number;
  /** the viewer does not manage this scope: its assignments and settings are left out */
  redacted: boolean;
}

/** One level of the tree: its rows, and (once for all of them) the first few assignments they inherit. */
export interface TreeLevel extends Page<TreeRow> {
  /** "Jen: eligible Owner from Tenant › Blue Widget Co", the first few */
  inherited: string[];
}

/** How many names a row (or a level) carries for its direct and inherited assignments. */
export const ROW_NAMES = 5;

const live = (s: ScheduleFact, now: Millis) => {
  const st = scheduleStatus(s, now);
  return st === 'Active' || st === 'Scheduled';
};

/** Live schedules made at exactly this scope. */
export function directSchedules(node: ResourceNode, now: Millis): ScheduleFact[] {
  const out: ScheduleFact[] = [];
  for (const map of [node.eligible, node.active])
    for (const list of map?.values() ?? []) for (const s of list) if (live(s, now)) out.push(s);
  return out;
}

/** Assignments made at `node` and its ancestors: what its children inherit (rule 1). Walks ≤ 6 ancestors. */
function inheritedBy(node: ResourceNode | null, now: Millis): { schedule: ScheduleFact; fromScopeId: string }[] {
  const out: { schedule: ScheduleFact; fromScopeId: string }[] = [];
  for (let p = node; p; p = p.parent) for (const s of directSchedules(p, now)) out.push({ schedule: s, fromScopeId: p.fact.id });
  return out;
}

const schedText = (names: NameLookup, s: ScheduleFact) => `${names.principal(s.principal)}: ${s.kind} ${names.role(s.roleId)}`;

/**
 * Tree rows for resources read from SQL (siblings, or search hits), with what the engine
 * knows about each: point queries on the row and its ancestors only. `viewerId` sees who
 * holds what only where they have PIM management access.
 */
export function treeRows(index: PolicyIndex, viewerId: string, rows: ResourceRow[], now: Millis): TreeRow[] {
  const names = nameLookup(index);
  // siblings share their ancestors: what they inherit, and whether the viewer manages there, is asked once
  const shared = new Map<string, { inherited: ReturnType<typeof inheritedBy>; manages: boolean }>();
  return rows.map((r) => {
    const node = nodeOf(index, r.id);
    const base = {
      id: r.id,
      armId: r.armId,
      name: r.name,
      kind: r.kind,
      managed: node?.managed ?? false,
      enabledHere: r.enabledHere,
      childCount: node?.children.length ?? 0,
    };
    const parentKey = r.parentId ?? '';
    let up = shared.get(parentKey);
    if (!up) {
      const parent = node?.parent ?? null;
      up = {
        inherited: inheritedBy(parent, now),
        manages: parent !== null && managementAccess(index, viewerId, parent.fact.id, now).allowed,
      };
      shared.set(parentKey, up);
    }
    const sees = node !== undefined && (up.manages || managementAccess(index, viewerId, node.fact.id, now).allowed);
    if (!node || !sees) {
      return { ...base, explicitSettings: [], weaker: [], weakerCount: 0, directCount: 0, direct: [], inheritedCount: 0, redacted: true };
    }
    const direct = directSchedules(node, now);
    const weaker = weakerThanAncestors(node);
    return {
      ...base,
      explicitSettings: [...(node.settings?.keys() ?? [])].map((id) => names.role(id)),
      weaker: weaker.slice(0, ROW_NAMES).map((w) => describe(w, names)),
      weakerCount: weaker.length,
      directCount: direct.length,
      direct: direct.slice(0, ROW_NAMES).map((s) => schedText(names, s)),
      inheritedCount: up.inherited.length,
      redacted: false,
    };
  });
}

/** One level of the tree (children of `parentId`, or the top level), a page at a time. */
export function treeLevel(
  db: DbOrTx,
  index: PolicyIndex,
  viewerId: string,
  parentId: string | null,
  now: Millis,
  seek: Seek = {},
): TreeLevel {
  const page = childrenPage(db, parentId, seek);
  const rows = treeRows(index, viewerId, page.rows, now);
  const names = nameLookup(index);
  const parent = parentId === null ? null : (nodeOf(index, parentId) ?? null);
  // said once per level, and only to a viewer who may see some row's assignments
  const inherited = rows.some((r) => !r.redacted)
    ? inheritedBy(parent, now)
        .slice(0, ROW_NAMES)
        .map((i) => `${schedText(names, i.schedule)} from ${names.scope(i.fromScopeId)}`)
    : [];
  return { ...page, rows, inherited };
}

/** A search hit: enough to tell which resource it is (its path) and to open it. */
export interface SearchHit {
  id: string;
  armId: string;
  name: string;
  kind: ResourceKind;
  managed: boolean;
  /** root › … › the hit */
  crumbs: ScopeCrumb[];
}

/** Search by name or ARM id, each hit with its path. */
export function treeSearch(db: DbOrTx, index: PolicyIndex, search: ResourceSearch, seek: Seek = {}): Page<SearchHit> {
  const page = searchResources(db, search, seek);
  return {
    ...page,
    rows: page.rows.map((r) => ({
      id: r.id,
      armId: r.armId,
      name: r.name,
      kind: r.kind,
      managed: nodeOf(index, r.id)?.managed ?? false,
      crumbs: scopeCrumbs(index, r.id),
    })),
  };
}
