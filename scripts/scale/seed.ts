import { openDatabase } from '@/db/client';
import { seedDemoTenant, DEMO_USERS } from '@/db/seed/demo';
import { DEFAULT_SETTINGS } from '@/lib/policy/constants';
import { rng } from './random';
import { generateTree } from './tree';
import { generateGroups, generateUsers } from './people';
import { audit, type Ctx } from './model';
import { generateSettings } from './settings';
import { generateSchedules } from './schedules';
import { generateRequests } from './requests';
import { bulkWrite, insertAudit, insertPeople, insertResources, inspect, sqlSink, wipe } from './write';

export interface ScaleOptions {
  resources: number;
  users: number;
  /** eligible + active schedules */
  assignments: number;
  seed: number;
  now: number;
  /** wipe a database that holds data other than the demo tenant */
  force: boolean;
}

export const DEFAULTS = { resources: 100_000, users: 20_000, assignments: 200_000, seed: 1 } as const;
export const MINIMUM = { resources: 100, users: 20, assignments: 20 } as const;

/** The database holds data a person would lose; nothing was written. */
export class RefusedError extends Error {}

export const TABLES = [
  'resources',
  'users',
  'groups',
  'group_members',
  'role_settings',
  'role_setting_approvers',
  'eligibility_schedules',
  'assignment_schedules',
  'requests',
  'request_approvers',
  'approval_decisions',
  'audit_events',
  'change_log',
] as const;

export interface ScaleResult {
  before: 'empty' | 'demo' | 'data';
  counts: Record<(typeof TABLES)[number], number>;
  /** seconds: opening and checking (and wiping), the demo seed, generating tree and people, the load (the rest is generated inside it), all */
  timings: { open: number; demo: number; generate: number; write: number; total: number };
}

const since = (t: number) => (performance.now() - t) / 1000;

/**
 * Writes the enterprise tenant into `file`: the demo tenant first (so the demo accounts
 * sign in as usual, their TOTP secrets sealed with `totpKey`), then the generated tenant
 * beside it under the same root management group, in one transaction of raw prepared
 * statements (scripts/scale/write.ts). Same options (seed, sizes, now) → same tenant, ids included; only the demo
 * rows' own ids are random (seedDemoTenant draws them).
 */
export function seedScale(file: string, totpKey: Buffer, opts: ScaleOptions): ScaleResult {
  const t0 = performance.now();
  const { db, sqlite } = openDatabase(file);
  try {
    const state = inspect(sqlite);
    if (state.kind === 'data' && !opts.force) {
      throw new RefusedError(
        `${file} already holds ${state.reason}.\nRefusing to write into it: that data would be lost. ` +
          'Use another --db, or run again with --force to wipe the tenant first.',
      );
    }
    if (state.kind !== 'empty') wipe(sqlite);
    const open = since(t0);

    const t1 = performance.now();
    seedDemoTenant(db, opts.now, totpKey);
    const demo = since(t1);

    const t2 = performance.now();
    const q = <T>(sql: string, ...p: unknown[]) => sqlite.prepare(sql).get(...p) as T;
    const rootId = q<{ root_resource_id: string }>('SELECT root_resource_id FROM tenants').root_resource_id;
    const demoUser = (email: string) =>
      q<{ id: string; display_name: string }>('SELECT id, display_name FROM users WHERE lower(email) = ?', email);
    const [steve, jen, avery, sam] = [DEMO_USERS.steve, DEMO_USERS.jen, DEMO_USERS.avery, DEMO_USERS.sam].map((u) => demoUser(u.email));
    const have = {
      resources: q<{ n: number }>('SELECT count(*) AS n FROM resources').n,
      users: q<{ n: number }>('SELECT count(*) AS n FROM users').n,
      schedules: q<{ n: number }>('SELECT (SELECT count(*) FROM eligibility_schedules) + (SELECT count(*) FROM assignment_schedules) AS n')
        .n,
    };
    const r = rng(opts.seed);
    const tree = generateTree(r, rootId, opts.resources - have.resources, opts.now);
    const users = generateUsers(r, opts.users - have.users, opts.now);
    const groups = generateGroups(r, users, clamp(Math.round(opts.users / 60), 3, 400), opts.now);
    // the demo's Jen and Sam are in a few generated groups, so their pages show group-held roles too
    for (const i of pickDistinct(r, groups.length, 2)) groups[i].memberIds.push(jen.id);
    for (const i of pickDistinct(r, groups.length, 1)) groups[i].memberIds.push(sam.id);
    const names = new Map<string, string>(users.map((u) => [u.id, u.displayName]));
    for (const u of [steve, jen, avery, sam]) names.set(u.id, u.display_name);
    const admins = users.filter((u) => u.isPimAdmin);
    const generate = since(t2);

    // Requests, schedules and their history are generated straight into SQL inside the
    // load (sqlSink), so that they need not all be held in memory at once.
    const t3 = performance.now();
    sqlite.pragma('cache_size = -262144'); // 256 MB for the b-trees being filled and the index sorts (1 GB measured no faster)
    bulkWrite(sqlite, () => {
      insertResources(sqlite, tree.rows);
      insertPeople(sqlite, users, groups);
      const ctx: Ctx = {
        r,
        now: opts.now,
        tree,
        users,
        groups,
        admins,
        names,
        groupById: new Map(groups.map((g) => [g.id, g])),
        pimAdminIds: [steve.id, ...admins.map((a) => a.id)],
        disabled: new Set(users.filter((u) => u.disabled).map((u) => u.id)),
        settings: new Map(),
        defaultJson: JSON.stringify(DEFAULT_SETTINGS),
        sink: sqlSink(sqlite),
        audit: [],
      };
      for (const g of groups)
        audit(ctx, {
          at: g.createdAt,
          actorId: r.pick(admins).id,
          action: 'Group created',
          principal: { type: 'Group', id: g.id },
          details: { name: g.name },
        });
      const active = users.filter((u) => !u.disabled);
      const approverPool = Array.from({ length: Math.max(5, Math.round(users.length / 100)) }, () => r.pick(active).id);
      generateSettings(ctx, clamp(Math.round(opts.resources * 0.03), 10, 50_000), approverPool, avery.id);
      const total = opts.assignments - have.schedules;
      const index = generateSchedules(ctx, total);
      generateRequests(ctx, index, {
        pending: clamp(Math.round(total * 0.003), 3, 2000),
        denied: Math.round(total * 0.02),
        canceled: Math.round(total * 0.015),
        timedOut: Math.round(total * 0.005),
      });
      audit(ctx, {
        at: opts.now,
        actorId: null,
        actorName: 'Elevate (setup)',
        action: 'Scale tenant seeded',
        details: { resources: opts.resources, users: opts.users, assignments: opts.assignments, seed: opts.seed },
      });
      insertAudit(sqlite, ctx.audit);
      sqlite.exec('UPDATE tenant_revision SET revision = revision + 1 WHERE id = 1');
      // Every process caches its policy index and catches it up from change_log. This
      // load wrote no log rows (its triggers were off), and the demo seed's are removed
      // too: with the log empty, a process's revision is no longer covered by it, so any
      // server process rebuilds its index from the tables instead of replaying entries.
      sqlite.exec('DELETE FROM change_log');
    });
    sqlite.pragma('wal_checkpoint(TRUNCATE)'); // the .db file alone holds the tenant (copyable, benchmarkable)
    const write = since(t3);

    const counts = Object.fromEntries(
      TABLES.map((t) => [t, q<{ n: number }>(`SELECT count(*) AS n FROM "${t}"`).n]),
    ) as ScaleResult['counts'];
    return { before: state.kind, counts, timings: { open, demo, generate, write, total: since(t0) } };
  } finally {
    sqlite.close();
  }
}

function clamp(n: number, lo: number, hi: number) {
  return Math.max(lo, Math.min(hi, n));
}

function pickDistinct(r: ReturnType<typeof rng>, n: number, k: number): number[] {
  const out = new Set<number>();
  for (let i = 0; i < k * 4 && out.size < Math.min(k, n); i++) out.add(r.int(n));
  return [...out];
}
