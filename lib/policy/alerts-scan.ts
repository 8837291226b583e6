import { DEFAULT_SETTINGS, PRIVILEGED_ROLE_IDS, ROLE_IDS } from './constants';
import { nodeOf, type PolicyIndex, type ResourceNode } from './tenant-index';
import { effectiveEnd, scheduleStatus } from './time';
import type { Millis, PrincipalRef, RoleSettings, ScheduleFact } from './types';
import {
  compareSettings,
  demandsLess,
  MAX_OWNERS_PER_SCOPE,
  MAX_PERMANENT_OWNERS_PER_SCOPE,
  type Alert,
  type AlertType,
  type SelfMadeAssignment,
  type WeakerChild,
} from './weaker';
import { principalIsUser } from './separation';

export type AlertSeverity = 'high' | 'medium';

/** Permanent standing access is the finding Entra PIM ranks highest; the rest want a review. */
export const ALERT_SEVERITY: Record<AlertType, AlertSeverity> = {
  'too-many-owners': 'medium',
  'too-many-permanent-owners': 'high',
  'permanent-privileged-active': 'high',
  'weaker-child-settings': 'medium',
  // rule 10 broken by data from before it: standing access someone granted themselves
  'self-made-assignment': 'high',
};

/** How many weaker children an alert keeps as examples; `weakerCount` says how many there are. */
export const WEAKER_EXAMPLES = 10;

/**
 * The alerts about what is assigned at exactly one scope, and until when they hold: only
 * schedules behind an alert can end and clear it (one ending elsewhere cannot make one).
 */
export interface LocalAlerts {
  alerts: Alert[];
  /** the earliest end among the schedules behind `alerts`; Infinity if none can end */
  until: Millis;
}

/**
 * Every alert of the tenant, in two parts that change for different reasons:
 * - `local`: per scope with any, the alerts about what is assigned there (owners,
 *   permanent privileged assignments). A changed schedule changes its own scope's only,
 *   so a caller can patch them with localAlertsAt instead of scanning again.
 * - `weaker`: the weaker-children alerts, which follow settings and the tree.
 */
export interface AlertScan {
  local: Map<string, LocalAlerts>;
  weaker: Alert[];
}

interface WeakerFrame {
  scopeId: string;
  roleId: string;
  settings: RoleSettings;
  count: number;
  examples: WeakerChild[];
}

const live = (s: ScheduleFact, now: Millis) => {
  const st = scheduleStatus(s, now);
  return st === 'Active' || st === 'Scheduled';
};

/**
 * The same alerts as `alerts(index, now)`, in one walk instead of one subtree walk per
 * setting: the approval-requiring settings of the ancestors ride along on a stack, so
 * each scope is compared with each of them once (≤ depth × roles per scope). Weaker
 * children are kept as a count and the first WEAKER_EXAMPLES.
 */
export function scanAlerts(index: PolicyIndex, now: Millis): AlertScan {
  const local = new Map<string, LocalAlerts>();
  const weaker: Alert[] = [];
  const frames: WeakerFrame[] = [];
  // depth-first without recursion or a record per scope (100,000 of them): a stack of nodes
  // with an "entered" flag, and per open scope how many frames it found on entry
  const stack: ResourceNode[] = [];
  const entered: boolean[] = [];
  const openFrames: number[] = [];
  for (let i = index.roots.length - 1; i >= 0; i--) {
    stack.push(index.roots[i]);
    entered.push(false);
  }
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (entered.pop()) {
      // this scope's own weaker-children alerts, now that its subtree has been seen
      for (let k = frames.length - openFrames.pop()!; k > 0; k--) {
        const f = frames.pop()!;
        if (f.count > 0)
          weaker.push({
            type: 'weaker-child-settings',
            scopeId: f.scopeId,
            roleId: f.roleId,
            weakerChildren: f.examples,
            weakerCount: f.count,
          });
      }
      continue;
    }
    openFrames.push(frames.length);
    stack.push(node);
    entered.push(true);
    const scopeId = node.id;
    if (node.managed && frames.length) {
      // every scope × the settings above it: a boolean test, reasons for the examples only
      for (let k = 0; k < frames.length; k++) {
        const f = frames[k];
        const own = node.settings?.get(f.roleId);
        const mine = own ?? DEFAULT_SETTINGS;
        if (!demandsLess(f.settings, mine)) continue;
        f.count++;
        if (f.examples.length < WEAKER_EXAMPLES) {
          f.examples.push({
            scopeId,
            roleId: f.roleId,
            explicit: own !== undefined,
            reasons: compareSettings(f.settings, mine, f.scopeId, scopeId, f.roleId),
          });
        }
      }
    }
    if (node.active || node.eligible) {
      const l = localAlerts(index, node, now);
      if (l.alerts.length) local.set(scopeId, l);
    }
    if (node.settings) {
      for (const [roleId, st] of node.settings)
        if (st.approvalRequired) frames.push({ scopeId, roleId, settings: st, count: 0, examples: [] });
    }
    for (let i = node.children.length - 1; i >= 0; i--) {
      stack.push(node.children[i]);
      entered.push(false);
    }
  }
  return { local, weaker };
}

/** The local alerts of one scope now (none for an unknown scope): to patch a scan after a schedule changed there. */
export function localAlertsAt(index: PolicyIndex, scopeId: string, now: Millis): LocalAlerts {
  const node = nodeOf(index, scopeId);
  return node ? localAlerts(index, node, now) : { alerts: [], until: Infinity };
}

function localAlerts(index: PolicyIndex, node: ResourceNode, now: Millis): LocalAlerts {
  const out: Alert[] = [];
  let until = Infinity;
  const counted = (list: ScheduleFact[]) => {
    for (const s of list) {
      const end = effectiveEnd(s);
      if (end !== null && end > now && end < until) until = end;
    }
  };
  const scopeId = node.id;
  const activeOwners = node.active?.get(ROLE_IDS.owner);
  const eligibleOwners = node.eligible?.get(ROLE_IDS.owner);
  // an alert needs more than MAX_PERMANENT_OWNERS_PER_SCOPE owner schedules at least
  if ((activeOwners?.length ?? 0) + (eligibleOwners?.length ?? 0) > Math.min(MAX_OWNERS_PER_SCOPE, MAX_PERMANENT_OWNERS_PER_SCOPE)) {
    const owners = [...(activeOwners ?? []), ...(eligibleOwners ?? [])].filter((s) => live(s, now));
    const holders = new Map<string, PrincipalRef>();
    for (const s of owners) holders.set(`${s.principal.type}:${s.principal.id}`, s.principal);
    if (holders.size > MAX_OWNERS_PER_SCOPE) {
      counted(owners);
      out.push({ type: 'too-many-owners', scopeId, roleId: ROLE_IDS.owner, principals: [...holders.values()], schedules: owners });
    }
    const permanentOwners = owners.filter((s) => s.endAt === null);
    if (permanentOwners.length > MAX_PERMANENT_OWNERS_PER_SCOPE) {
      counted(permanentOwners);
      out.push({
        type: 'too-many-permanent-owners',
        scopeId,
        roleId: ROLE_IDS.owner,
        schedules: permanentOwners,
        principals: permanentOwners.map((s) => s.principal),
      });
    }
  }
  for (const [roleId, list] of node.active ?? []) {
    let any = false;
    for (const s of list)
      if (s.endAt === null && live(s, now)) {
        any = true;
        break;
      }
    if (!any || !(PRIVILEGED_ROLE_IDS.includes(roleId) || index.roles.get(roleId)?.privileged === true)) continue;
    const perm = list.filter((s) => s.endAt === null && live(s, now));
    counted(perm);
    out.push({ type: 'permanent-privileged-active', scopeId, roleId, schedules: perm, principals: perm.map((s) => s.principal) });
  }
  return { alerts: out, until };
}

/** Until when a scan holds without a change: the earliest `until` of its local alerts. */
export function scanValidUntil(scan: AlertScan): Millis {
  let until = Infinity;
  for (const l of scan.local.values()) if (l.until < until) until = l.until;
  return until;
}

/**
 * A schedule whose creator may have made it for themselves, as SQL finds it (the creator is
 * its principal, or its principal is a group the creator is a member of).
 */
export interface SelfMadeCandidate extends ScheduleFact {
  createdBy: string;
}

/**
 * The 'self-made-assignment' alerts (rule 10 for data written before it existed): live
 * eligible and active assignments whose creator is their principal, or a member of the group
 * that is their principal. Membership is the group's membership now (the engine keeps no
 * history of it), which stands in for "at the time". Activations are their holder's own
 * doing and never count. One alert per (scope, role), and until when they hold: only an
 * assignment behind one ending changes them with time.
 */
export function selfMadeAlerts(
  index: PolicyIndex,
  candidates: Iterable<SelfMadeCandidate>,
  now: Millis,
): { alerts: Alert[]; until: Millis } {
  const by = new Map<string, Alert>();
  let until = Infinity;
  for (const c of candidates) {
    if (c.origin === 'activated' || !live(c, now) || principalIsUser(index, c.principal, c.createdBy) === null) continue;
    const key = `${c.scopeId}\u0000${c.roleId}`;
    let a = by.get(key);
    if (!a) by.set(key, (a = { type: 'self-made-assignment', scopeId: c.scopeId, roleId: c.roleId, principals: [], selfMade: [] }));
    const entry: SelfMadeAssignment = {
      scheduleId: c.id,
      kind: c.kind,
      principal: c.principal,
      createdBy: c.createdBy,
      endAt: effectiveEnd(c),
    };
    a.selfMade!.push(entry);
    if (!a.principals!.some((p) => p.type === c.principal.type && p.id === c.principal.id)) a.principals!.push(c.principal);
    const end = effectiveEnd(c);
    if (end !== null && end > now && end < until) until = end;
  }
  const alerts = [...by.values()];
  for (const a of alerts) a.selfMade!.sort((x, y) => (x.scheduleId < y.scheduleId ? -1 : x.scheduleId > y.scheduleId ? 1 : 0));
  return { alerts, until };
}

/**
 * Every alert of a scan (and any kept beside it, such as selfMadeAlerts), worst first (high,
 * then medium), each severity in scope id order (ARM ids are paths, so a subtree's alerts
 * sit together): the order views page through.
 */
export function orderedAlerts(scan: AlertScan, more: readonly Alert[] = []): Alert[] {
  const all = [...[...scan.local.values()].flatMap((l) => l.alerts), ...scan.weaker, ...more];
  const rank = (a: Alert) => (ALERT_SEVERITY[a.type] === 'high' ? 0 : 1);
  return all.sort(
    (a, b) =>
      rank(a) - rank(b) ||
      (a.scopeId < b.scopeId ? -1 : a.scopeId > b.scopeId ? 1 : 0) ||
      (a.type < b.type ? -1 : a.type > b.type ? 1 : 0) ||
      (a.roleId < b.roleId ? -1 : a.roleId > b.roleId ? 1 : 0),
  );
}
