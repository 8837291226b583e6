import type Database from 'better-sqlite3';
import { ROLE_IDS } from '@/lib/policy/constants';
import { prng } from '@/lib/policy/testing/generate';

/**
 * Test support (not served): grows the demo tenant of `freshDb()` into a bigger one with
 * plain SQL, so the API list tests can show that what a list costs does not follow the
 * tenant. Deterministic for a seed. Jen gets nothing new: whatever the size, her own
 * eligibilities stay the demo's, which is what the statement-count test relies on.
 */
export interface GrowShape {
  resources: number;
  users: number;
  groups: number;
  /** per table: eligibility_schedules and assignment_schedules each get this many */
  schedules: number;
  requests: number;
  seed?: number;
}

const DAY = 86_400_000;
const ROLES = [ROLE_IDS.owner, ROLE_IDS.contributor, ROLE_IDS.reader, ROLE_IDS.userAccessAdministrator];

export interface Grown {
  /** generated resource ids by kind (canonical lower case) */
  managementGroups: string[];
  subscriptions: string[];
  resourceGroups: string[];
  leaves: string[];
  users: string[];
  groups: string[];
}

export function growTenant(sqlite: Database.Database, now: number, shape: GrowShape): Grown {
  const rnd = prng(shape.seed ?? 7);
  const int = (n: number) => Math.floor(rnd() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)];
  const tenant = sqlite.prepare('SELECT id, root_resource_id AS root FROM tenants LIMIT 1').get() as { id: string; root: string };
  const out: Grown = { managementGroups: [], subscriptions: [], resourceGroups: [], leaves: [], users: [], groups: [] };
  // The path trigger of 0003 scans the table on every insert (its "adopt children"
  // UPDATE), which makes a bulk load quadratic: the generator writes the same paths itself
  // with the trigger set aside, then puts the trigger back.
  const trigger = (
    sqlite.prepare("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'resources_path_ins'").get() as
      { sql: string } | undefined
  )?.sql;
  const paths = new Map<string, string>(
    (sqlite.prepare('SELECT id, path FROM resources').all() as { id: string; path: string }[]).map((r) => [r.id, r.path]),
  );
  let rowid = (sqlite.prepare('SELECT max(rowid) AS m FROM resources').get() as { m: number }).m;
  const insRes =
    sqlite.prepare(`INSERT INTO resources (rowid, id, arm_id, tenant_id, kind, type, name, display_name, parent_id, managed, created_at, path)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)`);
  const res = (armId: string, kind: string, type: string, name: string, parent: string) => {
    const id = armId.toLowerCase();
    const path = `${paths.get(parent)}${++rowid}/`;
    insRes.run(rowid, id, armId, tenant.id, kind, type, name, name, parent, now, path);
    paths.set(id, path);
    return id;
  };
  const uuid = (prefix: string, n: number) =>
    `${prefix}${n.toString(16).padStart(8, '0')}-0000-4000-8000-${((n * 7919) % 0xffffffffffff).toString(16).padStart(12, '0')}`;

  sqlite.transaction(() => {
    if (trigger) sqlite.exec('DROP TRIGGER resources_path_ins');
    const mgs = Math.max(1, Math.round(shape.resources * 0.001));
    const subs = Math.max(1, Math.round(shape.resources * 0.01));
    const rgs = Math.max(1, Math.round(shape.resources * 0.1));
    const leaves = Math.max(0, shape.resources - mgs - subs - rgs);
    for (let i = 0; i < mgs; i++) {
      const parent = i === 0 || rnd() < 0.5 ? tenant.root : pick(out.managementGroups);
      out.managementGroups.push(
        res(
          `/providers/Microsoft.Management/managementGroups/mg-${i}`,
          'managementGroup',
          'Microsoft.Management/managementGroups',
          `mg-${i}`,
          parent,
        ),
      );
    }
    for (let i = 0; i < subs; i++) {
      out.subscriptions.push(
        res(
          `/subscriptions/${uuid('5b', i)}`,
          'subscription',
          'Microsoft.Resources/subscriptions',
          `Subscription ${i}`,
          pick(out.managementGroups),
        ),
      );
    }
    for (let i = 0; i < rgs; i++) {
      const sub = pick(out.subscriptions);
      out.resourceGroups.push(res(`${sub}/resourceGroups/rg-${i}`, 'resourceGroup', 'Microsoft.Resources/resourceGroups', `rg-${i}`, sub));
    }
    for (let i = 0; i < leaves; i++) {
      const rg = pick(out.resourceGroups);
      out.leaves.push(
        res(`${rg}/providers/Microsoft.Compute/virtualMachines/vm-${i}`, 'resource', 'Microsoft.Compute/virtualMachines', `vm-${i}`, rg),
      );
    }
    if (trigger) sqlite.exec(trigger);

    const insUser = sqlite.prepare(
      `INSERT INTO users (id, tenant_id, email, display_name, password_hash, created_at) VALUES (?, ?, ?, ?, 'x', ?)`,
    );
    for (let i = 0; i < shape.users; i++) {
      const id = uuid('a0', i);
      insUser.run(id, tenant.id, `user${i}@scale.test`, `User ${i}`, now);
      out.users.push(id);
    }
    const insGroup = sqlite.prepare(`INSERT INTO groups (id, tenant_id, name, created_at) VALUES (?, ?, ?, ?)`);
    const insMember = sqlite.prepare(`INSERT OR IGNORE INTO group_members (group_id, user_id, added_at) VALUES (?, ?, ?)`);
    for (let i = 0; i < shape.groups; i++) {
      const id = uuid('b0', i);
      insGroup.run(id, tenant.id, `Group ${i}`, now);
      out.groups.push(id);
    }
    if (out.groups.length) for (const u of out.users) for (let k = int(3); k > 0; k--) insMember.run(pick(out.groups), u, now);

    // scopes weighted like a real tenant: most assignments on resource groups and resources
    const scopeOf = () => {
      const x = rnd();
      if (x < 0.01) return pick(out.managementGroups);
      if (x < 0.06) return pick(out.subscriptions);
      if (x < 0.5 || out.leaves.length === 0) return pick(out.resourceGroups);
      return pick(out.leaves);
    };
    const principalOf = (): ['User' | 'Group', string] =>
      out.groups.length && rnd() < 0.1 ? ['Group', pick(out.groups)] : ['User', pick(out.users)];
    const windowOf = () => {
      const created = now - int(400) * DAY - int(DAY);
      const x = rnd();
      // a third already ended, a few revoked, a few permanent, a few still to start
      const start = x < 0.05 ? now + int(30) * DAY + 1 : created;
      const end = x < 0.35 && x >= 0.05 ? now - int(10) * DAY - 1 : rnd() < 0.1 ? null : now + (1 + int(300)) * DAY;
      const revoked = rnd() < 0.05 ? Math.min(now - 1, created + DAY) : null;
      return { created, start, end, revoked };
    };
    const insElig =
      sqlite.prepare(`INSERT INTO eligibility_schedules (id, principal_type, principal_id, role_id, scope_id, start_at, end_at, created_at, updated_at,
        revoked_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    const insAsg =
      sqlite.prepare(`INSERT INTO assignment_schedules (id, principal_type, principal_id, role_id, scope_id, start_at, end_at, created_at, updated_at,
        revoked_at, origin)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'assigned')`);
    for (let i = 0; i < shape.schedules; i++) {
      const [pt, pid] = principalOf();
      const w = windowOf();
      insElig.run(uuid('e0', i), pt, pid, pick(ROLES), scopeOf(), w.start, w.end, w.created, w.created, w.revoked);
      const [pt2, pid2] = principalOf();
      const w2 = windowOf();
      insAsg.run(uuid('f0', i), pt2, pid2, pick(ROLES), scopeOf(), w2.start, w2.end, w2.created, w2.created, w2.revoked);
    }
    const insReq =
      sqlite.prepare(`INSERT INTO requests (id, kind, request_type, status, requester_id, principal_type, principal_id, role_id, scope_id,
        start_at, end_at, created_at, approval_required, approval_deadline)
      VALUES (?, ?, ?, ?, ?, 'User', ?, ?, ?, ?, ?, ?, ?, ?)`);
    const statuses = ['Provisioned', 'Provisioned', 'Provisioned', 'Denied', 'Canceled', 'PendingApproval'] as const;
    for (let i = 0; i < shape.requests; i++) {
      const user = pick(out.users);
      const created = now - int(400) * DAY - int(DAY);
      const status = pick(statuses);
      const pending = status === 'PendingApproval';
      insReq.run(
        uuid('c0', i),
        rnd() < 0.5 ? 'eligibility' : 'assignment',
        pending ? 'SelfActivate' : 'AdminAssign',
        status,
        user,
        user,
        pick(ROLES),
        scopeOf(),
        created,
        created + DAY,
        created,
        pending ? 1 : 0,
        pending ? now + DAY : null,
      );
    }
    sqlite.prepare('UPDATE tenant_revision SET revision = revision + 1 WHERE id = 1').run();
  })();
  return out;
}
