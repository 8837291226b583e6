import { managersOf, type Manager, type MemberType } from './access';
import { activationScopeOption, evaluateActivation, type ActivationOutcomePreview, type ActivationRequirements } from './activation';
import { MIN_ACTIVATION_MINUTES } from './constants';
import type { Reason, Violation } from './reasons';
import { isNodeUnder, nodeOf, type PolicyIndex, type ResourceNode } from './tenant-index';
import { effectiveEnd, scheduleStatus } from './time';
import type { AssignmentKind, AssignmentOrigin, Millis, PrincipalRef, RoleSettings, ScheduleFact } from './types';

/**
 * "Can this person touch this resource, and if not, what would it take?" (issue 15). An
 * explanation is a decision, so it is made here, from the engine's own answers:
 * activationScopeOption and evaluateActivation (rule 2: the resource's own settings
 * govern; rules 4 and 5; who approves), managersOf (rule 7: who could grant it). What
 * reaches the person (rule 1, inheritance and groups) is effectiveAccess's answer, read
 * from the principal's side for speed (see `reaching`). Pure: `now` is a parameter; cost is
 * the person's few schedules and the resource's ≤ 6 ancestors.
 */

/** Holds the role here now / may activate it here / neither. */
export type ExplainedState = 'active' | 'eligible' | 'none';

export interface ExplainedSource {
  kind: AssignmentKind;
  scheduleId: string;
  /** Direct: made at this resource; Inherited: at a scope above; Group: through a group (here or above) */
  memberType: MemberType;
  /** the scope the assignment was made at */
  fromScopeId: string;
  inherited: boolean;
  groupId?: string;
  /** assigned by an administrator, or activated from an eligibility */
  origin: AssignmentOrigin;
  /** Scheduled sources start later: they grant nothing yet */
  status: 'Active' | 'Scheduled';
  startAt: Millis;
  /** when it stops granting (end or revocation); null = permanent */
  endAt: Millis | null;
}

export interface ExplainedActivation {
  /** the eligibility this activation would come from */
  eligibilityId: string;
  /** the resource itself: the activation scope, whose settings govern (rule 2) */
  scopeId: string;
  settings: RoleSettings;
  /** false: no explicit settings at this (resource, role), the built-in defaults govern */
  explicit: boolean;
  /** min(the settings' maximum, what is left of the eligibility) */
  maxDurationMinutes: number;
  requirements: ActivationRequirements;
  /** active at once / pending approval by whom / blocked */
  outcome: ActivationOutcomePreview;
  /** which settings govern, and whether they ask for approval */
  reasons: Reason[];
  /**
   * What would stop an activation here now, beyond what the person supplies in the dialog
   * (justification, ticket, a fresh MFA moment): an overlapping activation or a pending
   * request (rule 5), nobody to approve, an eligibility ending. Empty: it can be done.
   */
  violations: Violation[];
}

export interface RoleExplanation {
  roleId: string;
  state: ExplainedState;
  /** active sources first, then eligible, then scheduled; each in ancestor order (nearest first) */
  sources: ExplainedSource[];
  /** how activating here would go: the best of the eligible sources (null when none is eligible now) */
  activation: ExplainedActivation | null;
  /** state 'none': why (no assignment reaches, PIM is off, not started yet, account disabled) */
  violations: Violation[];
}

export interface AccessExplanation {
  principalId: string;
  resourceId: string;
  /** the resource exists in the tenant */
  known: boolean;
  /** PIM is enabled here (on the resource or above): only then can anything be activated here */
  managed: boolean;
  /** by state (active, eligible, none), then in the order roles were first met */
  roles: RoleExplanation[];
  /**
   * Who could grant access here (rule 7: PIM management access at the resource), the
   * principal left out (rule 10: nobody grants themselves); at most `grantors`. Listed only
   * when asked for and something is out of reach (see `missing`); otherwise empty.
   */
  grantors: Manager[];
  /** more grantors than listed */
  moreGrantors: boolean;
  /** no role reaches, or one reaches but cannot be used here now: "what would it take" applies */
  missing: boolean;
}

export interface ExplainOptions {
  /** also explain these roles when nothing reaches (the answer is then 'none' with reasons) */
  roleIds?: readonly string[];
  /**
   * List up to this many grantors when something is missing (default 0: none). managersOf
   * reads every management assignment above the resource and expands groups, which costs
   * milliseconds at enterprise scale: fine once per answer, not per row of a list.
   */
  grantors?: number;
}

const ORDER: Record<ExplainedState, number> = { active: 0, eligible: 1, none: 2 };

/**
 * Every schedule reaching the user at the target, in force now or (eligibilities) starting
 * later. Starts from the principal (ADR 011): the user's own schedules and their groups',
 * a handful each, each tested against the target's ancestor path (one array read) — never
 * every assignment made above the resource, which at a tenant's root can be thousands.
 * Says what effectiveAccess says for the same question (rule 1; explain.test.ts checks it
 * on generated tenants), plus the scheduled eligibilities; nearest scope first, as there.
 */
function reaching(index: PolicyIndex, userId: string, target: ResourceNode, now: Millis): { roleId: string; source: ExplainedSource }[] {
  const user = index.users.get(userId);
  // disabled (or unknown) users hold nothing, whatever their schedules say
  if (!user || user.disabled) return [];
  const out: { roleId: string; source: ExplainedSource; depth: number }[] = [];
  const consider = (list: ScheduleFact[] | undefined, groupId?: string) => {
    for (const s of list ?? []) {
      const status = scheduleStatus(s, now);
      if (status !== 'Active' && !(status === 'Scheduled' && s.kind === 'eligible')) continue;
      const at = nodeOf(index, s.scopeId);
      if (!at || !isNodeUnder(target, at)) continue;
      const inherited = at !== target;
      const source: ExplainedSource = {
        kind: s.kind,
        scheduleId: s.id,
        memberType: groupId ? 'Group' : inherited ? 'Inherited' : 'Direct',
        fromScopeId: at.fact.id,
        inherited,
        ...(groupId ? { groupId } : {}),
        origin: s.origin,
        status,
        startAt: s.startAt,
        endAt: effectiveEnd(s),
      };
      out.push({ roleId: s.roleId, source, depth: at.depth });
    }
  };
  consider(index.schedulesByUser.get(userId));
  for (const g of index.groupsByUser.get(userId) ?? []) consider(index.schedulesByGroup.get(g), g);
  return out.sort((x, y) => y.depth - x.depth);
}

/**
 * Activating this eligibility at the resource: the engine's preview (settings, maximum,
 * approvers) and a probe of evaluateActivation with everything the person would supply
 * filled in, so the violations left are the facts that would still stop them.
 */
function activationAt(
  index: PolicyIndex,
  userId: string,
  eligibilityId: string,
  resourceId: string,
  now: Millis,
): ExplainedActivation | null {
  const o = activationScopeOption(index, userId, eligibilityId, resourceId, now);
  if (!o) return null;
  const probe = evaluateActivation(index, {
    userId,
    eligibilityId,
    scopeId: o.scopeId,
    startAt: now,
    durationMinutes: Math.max(MIN_ACTIVATION_MINUTES, Math.min(o.maxDurationMinutes, o.settings.activationMaxMinutes)),
    justification: 'explain',
    ticketNumber: 'explain',
    ticketSystem: 'explain',
    mfaVerifiedAt: now,
    now,
  });
  const at = { scopeId: o.scopeId, roleId: index.schedules.get(eligibilityId)?.roleId };
  return {
    eligibilityId,
    scopeId: o.scopeId,
    settings: o.settings,
    explicit: o.explicit,
    maxDurationMinutes: o.maxDurationMinutes,
    requirements: o.requirements,
    outcome: o.outcome,
    reasons: [
      { code: o.explicit ? 'settings-explicit' : 'settings-default', ...at },
      { code: o.settings.approvalRequired ? 'approval-required' : 'activates-immediately', ...at },
    ],
    violations: probe.ok ? [] : probe.violations,
  };
}

/** At once beats approval beats blocked; then whatever is possible beats what is not; then the longer window. */
function rank(a: ExplainedActivation): number {
  const outcome = a.outcome.kind === 'active' ? 0 : a.outcome.kind === 'approval' ? 1 : 2;
  return (a.violations.length ? 10 : 0) + outcome;
}
const better = (a: ExplainedActivation, b: ExplainedActivation) =>
  rank(a) < rank(b) || (rank(a) === rank(b) && a.maxDurationMinutes > b.maxDurationMinutes);

/** Why a role does not reach: the first applicable fact, in the engine's own codes. */
function noneReasons(index: PolicyIndex, userId: string, resourceId: string, roleId: string, scheduled: ExplainedSource[]): Violation[] {
  const user = index.users.get(userId);
  const me: PrincipalRef = { type: 'User', id: userId };
  if (!user) return [{ code: 'principal-not-found', principal: me }];
  if (user.disabled) return [{ code: 'principal-disabled', principal: me }];
  const node = nodeOf(index, resourceId);
  if (!node) return [{ code: 'scope-unknown', scopeId: resourceId }];
  if (!node.managed) return [{ code: 'scope-not-managed', scopeId: node.fact.id }];
  if (scheduled.length)
    return scheduled.map((s) => ({ code: 'eligibility-not-started', scheduleId: s.scheduleId, roleId, value: s.startAt }));
  return [{ code: 'not-eligible-at-scope', scopeId: node.fact.id, roleId }];
}

/** Per role: does the user hold it at the resource now, may they activate it there, and how; or why not. */
export function explainAccess(
  index: PolicyIndex,
  userId: string,
  resourceId: string,
  now: Millis,
  opts: ExplainOptions = {},
): AccessExplanation {
  const node = nodeOf(index, resourceId);
  const id = node?.fact.id ?? resourceId;
  const byRole = new Map<string, ExplainedSource[]>();
  for (const { roleId, source } of node ? reaching(index, userId, node, now) : []) {
    const list = byRole.get(roleId);
    if (list) list.push(source);
    else byRole.set(roleId, [source]);
  }
  for (const r of opts.roleIds ?? []) if (!byRole.has(r)) byRole.set(r, []);

  const roles: RoleExplanation[] = [];
  for (const [roleId, sources] of byRole) {
    const live = sources.filter((s) => s.status === 'Active');
    const held = live.some((s) => s.kind === 'active');
    let activation: ExplainedActivation | null = null;
    for (const s of live) {
      if (s.kind !== 'eligible') continue;
      const a = activationAt(index, userId, s.scheduleId, id, now);
      if (a && (!activation || better(a, activation))) activation = a;
    }
    const eligible = live.some((s) => s.kind === 'eligible');
    const state: ExplainedState = held ? 'active' : eligible ? 'eligible' : 'none';
    // eligible but PIM is off here (nothing to activate at): the engine's code says so
    const violations =
      state === 'none'
        ? noneReasons(
            index,
            userId,
            id,
            roleId,
            sources.filter((s) => s.status === 'Scheduled'),
          )
        : eligible && !activation && node && !node.managed
          ? [{ code: 'scope-not-managed' as const, scopeId: id }]
          : [];
    roles.push({ roleId, state, sources: sortSources(sources), activation, violations });
  }
  roles.sort((a, b) => ORDER[a.state] - ORDER[b.state]);

  const missing = roles.length === 0 || roles.some((r) => !usable(r));
  const limit = opts.grantors ?? 0;
  const grantors = node && missing && limit > 0 ? managersOf(index, id, now).filter((m) => m.userId !== userId) : [];
  return {
    principalId: userId,
    resourceId: id,
    known: node !== undefined,
    managed: node?.managed ?? false,
    roles,
    grantors: grantors.slice(0, limit),
    moreGrantors: grantors.length > limit,
    missing,
  };
}

/** Held now, or can be activated here now (possibly after approval). */
function usable(r: RoleExplanation): boolean {
  if (r.state === 'active') return true;
  const a = r.activation;
  return r.state === 'eligible' && a !== null && a.violations.length === 0 && a.outcome.kind !== 'blocked';
}

const KIND_ORDER = (s: ExplainedSource) => (s.status === 'Scheduled' ? 2 : s.kind === 'active' ? 0 : 1);
function sortSources(list: ExplainedSource[]): ExplainedSource[] {
  // stable: within a kind, the nearest-scope-first order of `reaching` is kept
  return [...list].sort((a, b) => KIND_ORDER(a) - KIND_ORDER(b));
}
