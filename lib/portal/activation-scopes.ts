import 'server-only';
import type { DbOrTx } from '@/db/client';
import {
  activationScopeOption,
  describe,
  isAncestorOrSelf,
  nodeOf,
  type ActivationOutcomePreview,
  type ActivationScopeOption,
  type Millis,
  type NameLookup,
  type PolicyIndex,
} from '@/lib/policy';
import type { ScopeChoice } from '@/lib/activation/my-roles';
import { nameLookup } from '@/lib/resources/names';
import { childrenPage, searchResources, type ResourceRow } from '@/lib/resources/levels';
import type { Page, Seek } from './keyset';

/** A scope the activation dialog offers, with how many children it can open to. */
export interface ScopeRow extends ScopeChoice {
  childCount: number;
}

function outcomeText(names: NameLookup, o: ActivationOutcomePreview): ScopeChoice['outcome'] {
  if (o.kind === 'active') return { kind: 'active' };
  if (o.kind === 'blocked') return { kind: 'blocked', reasons: o.reasons.map((r) => describe(r, names)) };
  return {
    kind: 'approval',
    approvers: o.approvers.map((a) => names.principal(a)),
    byPimAdmins: o.byPimAdmins,
    timeoutMinutes: o.timeoutMinutes,
  };
}

function toRow(index: PolicyIndex, names: NameLookup, eligibilityScopeId: string, s: ActivationScopeOption): ScopeRow {
  return {
    id: s.scopeId,
    parentId: s.scope.parentId,
    name: s.scope.name,
    kind: s.scope.kind,
    path: names.scope(s.scopeId),
    inherited: s.scopeId !== eligibilityScopeId,
    maxDurationMinutes: s.maxDurationMinutes,
    settingsMaxMinutes: s.settings.activationMaxMinutes,
    explicit: s.explicit,
    requires: s.requirements,
    outcome: outcomeText(names, s.outcome),
    childCount: nodeOf(index, s.scopeId)?.children.length ?? 0,
  };
}

/**
 * What the activation dialog may list for one eligibility of `userId`: null when the
 * eligibility is not the user's (directly or through a group) or not live, which the
 * route answers with 404 whatever the reason, so nobody learns about others'.
 */
function eligibilityRoot(index: PolicyIndex, userId: string, eligibilityId: string, now: Millis) {
  const elig = index.schedules.get(eligibilityId);
  if (!elig || elig.kind !== 'eligible') return null;
  const root = activationScopeOption(index, userId, eligibilityId, elig.scopeId, now);
  return root ? { scopeId: elig.scopeId, root } : null;
}

/** Rows for resources read from SQL; the engine evaluates each one shown (and skips what cannot be activated). */
function rowsFor(
  index: PolicyIndex,
  userId: string,
  eligibilityId: string,
  scopeId: string,
  resources: ResourceRow[],
  now: Millis,
): ScopeRow[] {
  const names = nameLookup(index);
  const out: ScopeRow[] = [];
  for (const r of resources) {
    const o = activationScopeOption(index, userId, eligibilityId, r.id, now);
    if (o) out.push(toRow(index, names, scopeId, o));
  }
  return out;
}

export type ScopeQuery =
  { kind: 'root' } | { kind: 'children'; parentId: string } | { kind: 'search'; q: string } | { kind: 'one'; scopeId: string };

/**
 * One page of scopes for the activation dialog of an eligibility: the eligibility's scope
 * itself, the managed children of a scope under it (one level, from SQL), a search by
 * name under it (underScope), or one given scope. The engine computes the outcome for
 * the rows returned only. Null: not the user's eligibility, or a scope outside it.
 */
export function activationScopes(
  db: DbOrTx,
  index: PolicyIndex,
  userId: string,
  eligibilityId: string,
  query: ScopeQuery,
  now: Millis,
  seek: Seek = {},
): Page<ScopeRow> | null {
  const e = eligibilityRoot(index, userId, eligibilityId, now);
  if (!e) return null;
  const names = nameLookup(index);
  const none = { next: null, prev: null };
  switch (query.kind) {
    case 'root':
      return { rows: [toRow(index, names, e.scopeId, e.root)], ...none };
    case 'one': {
      const o = isAncestorOrSelf(index, e.scopeId, query.scopeId)
        ? activationScopeOption(index, userId, eligibilityId, query.scopeId, now)
        : null;
      return o ? { rows: [toRow(index, names, e.scopeId, o)], ...none } : null;
    }
    case 'children': {
      const parent = nodeOf(index, query.parentId);
      if (!parent || !isAncestorOrSelf(index, e.scopeId, parent.fact.id)) return null;
      const page = childrenPage(db, parent.fact.id, seek);
      return { ...page, rows: rowsFor(index, userId, eligibilityId, e.scopeId, page.rows, now) };
    }
    case 'search': {
      const page = searchResources(db, { q: query.q, under: e.scopeId }, seek);
      return { ...page, rows: rowsFor(index, userId, eligibilityId, e.scopeId, page.rows, now) };
    }
  }
}
