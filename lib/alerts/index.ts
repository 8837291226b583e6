import 'server-only';
import type { DbOrTx } from '@/db/client';
import {
  alerts, describe, isAncestorOrSelf, managementAccess, MAX_OWNERS_PER_SCOPE, MAX_PERMANENT_OWNERS_PER_SCOPE,
  type Alert, type PolicyIndex,
} from '@/lib/policy';
import { policyIndex } from '@/lib/tenant/engine';
import { nameLookup } from '@/lib/resources/names';
import { scopePathText } from '@/lib/portal/scope-path';

export interface AlertView {
  alert: Alert;
  title: string;
  /** who or what is behind it, in words */
  detail: string[];
  severity: 'high' | 'medium';
  /** where to fix it */
  fixHref: string;
  fixLabel: string;
}

const scopeHref = (scopeId: string, tab: string, extra = '') => `/admin/scope?id=${encodeURIComponent(scopeId)}&tab=${tab}${extra}`;

function view(index: PolicyIndex, a: Alert): AlertView {
  const names = nameLookup(index);
  const where = scopePathText(index, a.scopeId);
  const role = names.role(a.roleId);
  const principals = (a.principals ?? []).map((p) => names.principal(p));
  switch (a.type) {
    case 'too-many-owners':
      return { alert: a, severity: 'medium', title: `${principals.length} owners on ${where} (more than ${MAX_OWNERS_PER_SCOPE})`, detail: principals, fixHref: scopeHref(a.scopeId, 'assignments', `&role=${a.roleId}`), fixLabel: 'Review Owner assignments' };
    case 'too-many-permanent-owners':
      return { alert: a, severity: 'high', title: `${principals.length} permanent owners on ${where} (more than ${MAX_PERMANENT_OWNERS_PER_SCOPE})`, detail: principals, fixHref: scopeHref(a.scopeId, 'assignments', `&role=${a.roleId}`), fixLabel: 'Make them time-bound' };
    case 'permanent-privileged-active':
      return { alert: a, severity: 'high', title: `${role} held as a permanent active assignment on ${where}`, detail: principals.map((p) => `${p}: consider making them eligible instead`), fixHref: scopeHref(a.scopeId, 'assignments', `&tab2=active&role=${a.roleId}`), fixLabel: 'Review active assignments' };
    case 'weaker-child-settings':
      return {
        alert: a, severity: 'medium', title: `Child scopes demand less than ${role} on ${where}`,
        detail: (a.weakerChildren ?? []).flatMap((w) => w.reasons.map((r) => describe(r, names))),
        fixHref: scopeHref(a.scopeId, 'settings', `&role=${a.roleId}`), fixLabel: 'Apply settings to child scopes',
      };
  }
}

/** The engine's alerts at scopes the user may manage (optionally within one scope's subtree), worst first. */
export function alertsFor(db: DbOrTx, userId: string, now: number, withinScopeId?: string): AlertView[] {
  const index = policyIndex(db);
  return alerts(index, now)
    .filter((a) => (!withinScopeId || isAncestorOrSelf(index, withinScopeId, a.scopeId)) && managementAccess(index, userId, a.scopeId, now).allowed)
    .map((a) => view(index, a))
    .sort((x, y) => (x.severity === y.severity ? 0 : x.severity === 'high' ? -1 : 1));
}
