import { DAY_MS, DEFAULT_SETTINGS, ROLE_IDS } from '../constants';
import type {
  GroupFact,
  Millis,
  PrincipalRef,
  RequestFact,
  ResourceFact,
  ResourceKind,
  RoleFact,
  RoleSettings,
  ScheduleFact,
  SettingsFact,
  TenantSnapshot,
  UserFact,
} from '../types';

/**
 * Deterministic random tenants for property tests, the Cedar differential test and the
 * benchmark. Same seed → same tenant, so a failing case or a benchmark figure can be
 * reproduced exactly. Pure: `now` is a parameter.
 */

/** mulberry32: tiny, fast, good enough for test data (not for secrets). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface TenantShape {
  resources: number;
  users: number;
  groups: number;
  schedules: number;
  settings: number;
  /** pending/decided requests to sprinkle in */
  requests?: number;
  seed: number;
  now: Millis;
  /** probability that a management group / subscription is PIM-managed */
  managedRatio?: number;
  /** extra custom roles beyond the four built-ins */
  customRoles?: number;
}

/** Share of resources per depth 1..5 (root MG is depth 0): MGs, subscriptions, RGs, resources, sub-resources. */
const LEVEL_SHARE = [0.001, 0.01, 0.1, 0.5];
const KINDS: ResourceKind[] = ['managementGroup', 'managementGroup', 'subscription', 'resourceGroup', 'resource', 'resource'];

export function generateTenant(shape: TenantShape): TenantSnapshot {
  const rnd = prng(shape.seed);
  const int = (n: number) => Math.floor(rnd() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)];
  const managedRatio = shape.managedRatio ?? 0.9;

  // root managed only sometimes, so unmanaged subtrees exist (managed is inherited downwards)
  const resources: ResourceFact[] = [
    {
      id: '/providers/microsoft.management/managementgroups/root',
      parentId: null,
      kind: 'managementGroup',
      name: 'root',
      managed: rnd() < 0.3,
    },
  ];
  const levels: ResourceFact[][] = [[resources[0]]];
  let remaining = shape.resources - 1;
  for (let d = 1; d <= 5 && remaining > 0; d++) {
    const count = d === 5 ? remaining : Math.min(remaining, Math.max(1, Math.round(LEVEL_SHARE[d - 1] * shape.resources)));
    const level: ResourceFact[] = [];
    for (let i = 0; i < count; i++) {
      const parent = pick(levels[d - 1]);
      const n = resources.length;
      const id =
        d === 1
          ? `/providers/microsoft.management/managementgroups/mg${n}`
          : d === 2
            ? `/subscriptions/sub${n}`
            : d === 3
              ? `${parent.id}/resourcegroups/rg${n}`
              : d === 4
                ? `${parent.id}/providers/microsoft.compute/virtualmachines/vm${n}`
                : `${parent.id}/extensions/ext${n}`;
      const r: ResourceFact = {
        id,
        parentId: parent.id,
        kind: KINDS[d],
        name: id.slice(id.lastIndexOf('/') + 1),
        managed: d <= 2 ? rnd() < managedRatio : false,
      };
      resources.push(r);
      level.push(r);
    }
    levels.push(level);
    remaining -= count;
  }

  const roles: RoleFact[] = [
    { id: ROLE_IDS.owner, name: 'Owner', privileged: true },
    { id: ROLE_IDS.contributor, name: 'Contributor', privileged: true },
    { id: ROLE_IDS.reader, name: 'Reader', privileged: false },
    { id: ROLE_IDS.userAccessAdministrator, name: 'User Access Administrator', privileged: true },
  ];
  for (let i = 0; i < (shape.customRoles ?? 4); i++) roles.push({ id: `custom-role-${i}`, name: `Custom ${i}`, privileged: rnd() < 0.2 });
  const roleIds = roles.map((r) => r.id);

  const users: UserFact[] = [];
  for (let i = 0; i < shape.users; i++) {
    users.push({ id: `u${i}`, displayName: `User ${i}`, isPimAdmin: rnd() < Math.max(0.001, 2 / shape.users), disabled: rnd() < 0.02 });
  }
  const groups: GroupFact[] = [];
  for (let i = 0; i < shape.groups; i++) groups.push({ id: `g${i}`, name: `Group ${i}`, memberIds: [] });
  if (groups.length) {
    for (const u of users) {
      const k = int(4); // 0..3 groups per user
      const seen = new Set<number>();
      for (let j = 0; j < k; j++) {
        const g = int(groups.length);
        if (!seen.has(g)) {
          seen.add(g);
          groups[g].memberIds.push(u.id);
        }
      }
    }
  }
  const principal = (): PrincipalRef =>
    groups.length && rnd() < 0.2 ? { type: 'Group', id: pick(groups).id } : { type: 'User', id: pick(users).id };
  // bias scopes towards the top of the tree: real assignments cluster on subscriptions and RGs
  const scope = (): ResourceFact => {
    const x = rnd();
    const d = x < 0.02 ? 0 : x < 0.07 ? 1 : x < 0.2 ? 2 : x < 0.45 ? 3 : x < 0.85 ? 4 : 5;
    const level = levels[Math.min(d, levels.length - 1)];
    return pick(level);
  };

  const schedules: ScheduleFact[] = [];
  for (let i = 0; i < shape.schedules; i++) {
    const kind = rnd() < 0.6 ? 'eligible' : 'active';
    const startAt = shape.now - int(200) * DAY_MS + int(DAY_MS) - (rnd() < 0.1 ? -int(30) * DAY_MS : 0);
    const endAt = rnd() < 0.2 ? null : startAt + (1 + int(400)) * DAY_MS - int(DAY_MS);
    const revokedAt = rnd() < 0.05 ? startAt + int(300) * DAY_MS : null;
    const activated = kind === 'active' && rnd() < 0.3;
    schedules.push({
      id: `s${i}`,
      kind,
      principal: principal(),
      roleId: pick(roleIds),
      scopeId: scope().id,
      startAt,
      endAt,
      revokedAt,
      origin: activated ? 'activated' : 'assigned',
      linkedEligibilityId: null,
    });
  }

  const settings: SettingsFact[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < shape.settings; i++) {
    const s = scope().id;
    const r = pick(roleIds);
    if (seen.has(`${s}|${r}`)) continue;
    seen.add(`${s}|${r}`);
    settings.push({ scopeId: s, roleId: r, settings: randomSettings(rnd, users, groups) });
  }

  const requests: RequestFact[] = [];
  const statuses = ['PendingApproval', 'Provisioned', 'Denied', 'Canceled', 'TimedOut', 'Revoked', 'Failed'] as const;
  for (let i = 0; i < (shape.requests ?? 0); i++) {
    const createdAt = shape.now - int(3 * DAY_MS);
    const p = rnd() < 0.8 ? { type: 'User' as const, id: pick(users).id } : principal();
    requests.push({
      id: `r${i}`,
      kind: 'assignment',
      requestType: 'SelfActivate',
      status: pick(statuses),
      requesterId: p.type === 'User' ? p.id : pick(users).id,
      principal: p,
      roleId: pick(roleIds),
      scopeId: scope().id,
      startAt: createdAt,
      endAt: createdAt + 3_600_000,
      createdAt,
      approvalDeadline: createdAt + DAY_MS,
      approvers: rnd() < 0.5 ? [] : [principal(), principal()],
      linkedEligibilityId: null,
      targetScheduleId: null,
    });
  }
  return { resources, roles, users, groups, schedules, settings, requests };
}

export function randomSettings(rnd: () => number, users: UserFact[], groups: GroupFact[]): RoleSettings {
  const approvers: PrincipalRef[] = [];
  const n = Math.floor(rnd() * 3);
  for (let i = 0; i < n; i++) {
    approvers.push(
      groups.length && rnd() < 0.3
        ? { type: 'Group', id: groups[Math.floor(rnd() * groups.length)].id }
        : { type: 'User', id: users[Math.floor(rnd() * users.length)].id },
    );
  }
  return {
    ...DEFAULT_SETTINGS,
    activationMaxMinutes: 30 + Math.floor(rnd() * 1411),
    activationRequireMfa: rnd() < 0.5,
    activationRequireJustification: rnd() < 0.5,
    activationRequireTicket: rnd() < 0.2,
    approvalRequired: rnd() < 0.4,
    approvers,
    approvalTimeoutMinutes: 60 + Math.floor(rnd() * 2000),
    eligiblePermanentAllowed: rnd() < 0.3,
    activePermanentAllowed: rnd() < 0.2,
  };
}
