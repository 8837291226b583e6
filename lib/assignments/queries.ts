import 'server-only';
import type { DbOrTx } from '@/db/client';
import { DAY_MS, evaluateAdminRequest, scheduleStatus, type PolicyIndex, type ScheduleFact, type ScheduleStatus } from '@/lib/policy';
import { nodeOf } from '@/lib/policy/tenant-index';
import { policyIndex } from '@/lib/tenant/engine';

export interface AssignmentView {
  schedule: ScheduleFact;
  status: ScheduleStatus;
  principalName: string;
  roleName: string;
  /** made at an ancestor: shown read-only with the scope it comes from */
  inherited: boolean;
  fromScopeId: string;
  /** what the list offers; the engine still decides on submit */
  canExtend: boolean;
  canRenew: boolean;
}

export interface AssignmentFilters {
  /** eligible / active (current) / expired (ended or removed, direct only) */
  tab?: 'eligible' | 'active' | 'expired';
  roleId?: string;
  q?: string;
}

/** Direct and inherited assignments at a scope, newest first within each group. */
export function assignmentsAt(db: DbOrTx, scopeId: string, now: number, filters: AssignmentFilters = {}): AssignmentView[] {
  const index = policyIndex(db);
  const node = nodeOf(index, scopeId);
  if (!node) return [];
  const out: AssignmentView[] = [];
  const q = filters.q?.trim().toLowerCase();
  for (let n: typeof node | null = node; n; n = n.parent) {
    const inherited = n !== node;
    for (const map of [n.eligible, n.active]) {
      for (const [roleId, list] of map ?? []) {
        if (filters.roleId && roleId !== filters.roleId) continue;
        for (const s of list) {
          const status = scheduleStatus(s, now);
          const ended = status === 'Expired' || status === 'Revoked';
          if (inherited && ended) continue;
          const tab = ended ? 'expired' : s.kind;
          if (filters.tab && filters.tab !== tab) continue;
          const principalName = (s.principal.type === 'User' ? index.users.get(s.principal.id)?.displayName : index.groups.get(s.principal.id)?.name) ?? s.principal.id;
          if (q && !principalName.toLowerCase().includes(q)) continue;
          out.push({
            schedule: s, status, principalName, roleName: index.roles.get(roleId)?.name ?? roleId, inherited, fromScopeId: n.fact.id,
            canExtend: !inherited && !ended && inWindowFor(index, s, 'AdminExtend', now),
            canRenew: !inherited && ended && s.origin === 'assigned' && inWindowFor(index, s, 'AdminRenew', now),
          });
        }
      }
    }
  }
  return out.sort((a, b) => Number(a.inherited) - Number(b.inherited) || b.schedule.startAt - a.schedule.startAt);
}

/**
 * Does the engine consider the schedule inside its extend / renew window? Asked with a
 * nominal new window; only the window verdict matters here (the real request is
 * evaluated in full on submit).
 */
function inWindowFor(index: PolicyIndex, s: ScheduleFact, requestType: 'AdminExtend' | 'AdminRenew', now: number): boolean {
  const r = evaluateAdminRequest(index, {
    actorId: '', requestType, kind: s.kind, principal: s.principal, roleId: s.roleId, scopeId: s.scopeId,
    startAt: requestType === 'AdminExtend' ? s.startAt : now, endAt: now + DAY_MS, targetScheduleId: s.id, now,
  });
  const code = requestType === 'AdminExtend' ? 'not-in-extend-window' : 'not-in-renew-window';
  return r.ok || !r.violations.some((v) => v.code === code);
}
