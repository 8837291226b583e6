import { nodeOf, type PolicyIndex } from './tenant-index';
import { effectiveEnd, inWindow } from './time';
import type { Millis } from './types';

/**
 * Connectors (DESIGN.md "Connectors", ADR 080): what a binding should grant in its target
 * at `now`, and what the reconciler must do to get there. Decided here, once; the
 * reconciler and the drivers only carry it out.
 *
 * A binding's desired state is the engine's effective *active* access at the bound
 * resource: a user holds the binding's target for role R when an active schedule of R
 * at the resource or an ancestor (rule 1) is in its window now and reaches the user
 * directly or through a group, and the user is enabled. Eligibility grants nothing until
 * it is activated. The cost is the schedules on the resource's ancestor path (depth ≤ 6),
 * never the tenant.
 */

export interface BindingRule {
  id: string;
  /** canonical resource id */
  scopeId: string;
  /** role id → target (a PostgreSQL group role, an RBAC role …) */
  roles: ReadonlyMap<string, string>;
}

export interface GrantSource {
  scheduleId: string;
  roleId: string;
  /** scope the schedule was made at (the bound resource or an ancestor) */
  fromScopeId: string;
  /** set when the schedule reaches the user through this group */
  groupId: string | null;
}

export interface DesiredGrant {
  userId: string;
  target: string;
  /** when the last source stops granting (null = permanent) */
  until: Millis | null;
  sources: GrantSource[];
}

export interface DesiredState {
  /** false when the bound resource is not in the tree: nothing is granted and the binding's page says why */
  resourceKnown: boolean;
  /** one per (target, user), sorted by target then user id */
  grants: DesiredGrant[];
  /** the next instant the desired state changes by the clock alone (a window starts or ends), or null */
  nextChangeAt: Millis | null;
}

export function desiredState(index: PolicyIndex, binding: BindingRule, now: Millis): DesiredState {
  const node = nodeOf(index, binding.scopeId);
  if (!node) return { resourceKnown: false, grants: [], nextChangeAt: null };
  const byKey = new Map<string, DesiredGrant>();
  let next = Infinity;
  const give = (userId: string, target: string, stop: number, source: GrantSource) => {
    const user = index.users.get(userId);
    if (!user || user.disabled) return;
    const key = `${target}\u0000${userId}`;
    const g = byKey.get(key);
    const until = Number.isFinite(stop) ? stop : null;
    if (!g) byKey.set(key, { userId, target, until, sources: [source] });
    else {
      g.sources.push(source);
      g.until = g.until === null || until === null ? null : Math.max(g.until, until);
    }
  };
  for (const n of node.path) {
    if (!n.active) continue;
    for (const [roleId, target] of binding.roles) {
      for (const s of n.active.get(roleId) ?? []) {
        const stop = effectiveEnd(s) ?? Infinity;
        if (s.startAt > now && s.startAt < stop) next = Math.min(next, s.startAt);
        if (!inWindow(s, now)) continue;
        next = Math.min(next, stop);
        const source = { scheduleId: s.id, roleId, fromScopeId: n.id, groupId: null as string | null };
        if (s.principal.type === 'User') give(s.principal.id, target, stop, source);
        else
          for (const userId of index.groups.get(s.principal.id)?.memberIds ?? [])
            give(userId, target, stop, { ...source, groupId: s.principal.id });
      }
    }
  }
  const grants = [...byKey.values()].sort((a, b) =>
    a.target < b.target ? -1 : a.target > b.target ? 1 : a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0,
  );
  return { resourceKnown: true, grants, nextChangeAt: Number.isFinite(next) ? next : null };
}

export type LoginRule = 'email-local-part' | 'email' | 'user-id';

/** The target login for a user under the connector's rule; null when the user has nothing to map from. */
export function loginFor(rule: LoginRule, user: { id: string; email: string | null }): string | null {
  if (rule === 'user-id') return user.id;
  const email = user.email?.trim().toLowerCase();
  if (!email) return null;
  if (rule === 'email') return email;
  const at = email.lastIndexOf('@');
  const local = at > 0 ? email.slice(0, at) : '';
  return local || null;
}

export interface TargetMember {
  target: string;
  login: string;
}

export interface PlannedGrant extends TargetMember {
  userId: string;
  until: Millis | null;
}

/** What Elevate recorded as its own in the target ('granting': written before the call, not yet confirmed). */
export interface AppliedGrant extends TargetMember {
  state: 'granting' | 'granted' | 'revoking';
}

export interface ReconcilePlan {
  /** desired and not (known to be) in the target: grant (idempotent) */
  grant: PlannedGrant[];
  /** Elevate's own grants that are no longer desired: revoke */
  revoke: TargetMember[];
  /** in the target, not desired, not Elevate's: access outside PIM */
  drift: TargetMember[];
  /** the subset of drift to revoke because the binding enforces */
  revokeDrift: TargetMember[];
  /** desired users with no login under the connector's rule */
  unmapped: string[];
}

const key = (m: TargetMember) => `${m.target}\u0000${m.login}`;

/**
 * The reconciler's plan for one binding. `actual` (the target's members of the binding's
 * targets) is known on a full reconcile only; between them the plan trusts Elevate's own
 * record, which is what makes a change cost one grant instead of a read of the target.
 */
export function planReconcile(input: {
  desired: DesiredGrant[];
  logins: ReadonlyMap<string, string | null>;
  applied: AppliedGrant[];
  actual?: ReadonlyMap<string, ReadonlySet<string>>;
  mode: 'report' | 'enforce';
}): ReconcilePlan {
  const plan: ReconcilePlan = { grant: [], revoke: [], drift: [], revokeDrift: [], unmapped: [] };
  const want = new Map<string, PlannedGrant>();
  const unmapped = new Set<string>();
  for (const d of input.desired) {
    const login = input.logins.get(d.userId) ?? null;
    if (login === null) {
      unmapped.add(d.userId);
      continue;
    }
    const k = key({ target: d.target, login });
    const prev = want.get(k);
    // two users mapping to one login: the login holds the target while either is entitled
    if (!prev) want.set(k, { target: d.target, login, userId: d.userId, until: d.until });
    else prev.until = prev.until === null || d.until === null ? null : Math.max(prev.until, d.until);
  }
  const mine = new Map(input.applied.map((a) => [key(a), a]));
  for (const [k, w] of want) {
    const a = mine.get(k);
    const present = input.actual ? (input.actual.get(w.target)?.has(w.login) ?? false) : undefined;
    if (!a || a.state !== 'granted' || present === false) plan.grant.push(w);
  }
  for (const [k, a] of mine) if (!want.has(k)) plan.revoke.push({ target: a.target, login: a.login });
  if (input.actual) {
    for (const [target, logins] of input.actual) {
      for (const login of logins) {
        const k = key({ target, login });
        if (want.has(k) || mine.has(k)) continue;
        plan.drift.push({ target, login });
        if (input.mode === 'enforce') plan.revokeDrift.push({ target, login });
      }
    }
  }
  plan.unmapped = [...unmapped].sort();
  return plan;
}
