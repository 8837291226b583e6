import type Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_SUBSCRIPTION } from '@/db/seed/demo';
import { canDecide, managementAccess, ROLE_IDS } from '@/lib/policy';
import { policyIndex } from '@/lib/tenant/engine';
import { freshDb } from '@/tests/support/db';
import { planOverride } from './list-sql';
import { apiCall, ROOT, tokensFor, type Persona } from './lists.scenario';
import { growTenant, type Grown } from './test-tenant';

/**
 * API lists on a generated tenant of a few thousand resources: what a list costs does not
 * grow with the tenant, every page follows from the one before without re-reading it,
 * and rows written between page reads never make an item show twice or go missing.
 */

type Fresh = ReturnType<typeof freshDb>;
const API = '2020-10-01';
const list = (scope: string, collection: string, q = '') =>
  `${scope}/providers/Microsoft.Authorization/${collection}?api-version=${API}${q}`;

/** Counts the SQL statements run (every execution of a prepared statement) while `fn` runs. */
async function countStatements<T>(
  sqlite: Database.Database,
  fn: () => Promise<T>,
): Promise<{ result: T; statements: number; sql: string[] }> {
  const seen: string[] = [];
  const prepare = sqlite.prepare;
  sqlite.prepare = function (this: Database.Database, source: string) {
    const st = prepare.call(this, source);
    for (const m of ['run', 'get', 'all', 'iterate'] as const) {
      const original = st[m] as (...a: unknown[]) => unknown;
      (st as unknown as Record<string, unknown>)[m] = (...args: unknown[]) => {
        seen.push(source);
        return original.apply(st, args);
      };
    }
    return st;
  } as typeof sqlite.prepare;
  try {
    const result = await fn();
    return { result, statements: seen.length, sql: seen };
  } finally {
    sqlite.prepare = prepare;
  }
}

/** Every page of a list, following nextLink; `between` runs before each next page is read. */
async function allPages(t: Fresh, token: string, path: string, between?: (page: number) => void) {
  const items: { name: string; properties: Record<string, unknown> }[] = [];
  let next: string | null = path;
  let pages = 0;
  while (next) {
    const r = await apiCall(t, token, 'GET', next);
    if (r.status !== 200) throw new Error(`${r.status} ${JSON.stringify(r.json)}`);
    items.push(...r.json.value);
    pages++;
    next = r.json.nextLink ? String(r.json.nextLink).replace(/^https:\/\/elevate\.test/, '') : null;
    if (next) between?.(pages);
  }
  return { items, pages };
}

describe('API lists on a generated tenant', () => {
  let t: Fresh;
  let tokens: Record<Persona, string>;
  let grown: Grown;
  const jenAtRoot = list(ROOT, 'roleEligibilityScheduleInstances', '&$filter=asTarget()');
  let demoStatements: number;

  beforeAll(async () => {
    t = freshDb();
    tokens = tokensFor(t);
    // the demo's figure first, then the same call once the tenant is hundreds of times bigger
    await apiCall(t, tokens.jen, 'GET', jenAtRoot);
    demoStatements = (await countStatements(t.sqlite, () => apiCall(t, tokens.jen, 'GET', jenAtRoot))).statements;
    grown = growTenant(t.sqlite, t.now, { resources: 4000, users: 800, groups: 80, schedules: 4000, requests: 2000 });
  }, 120_000);
  afterAll(() => {
    planOverride.region = null;
    t?.close();
  });

  it("Jen's asTarget() at the root runs a few statements, as many as on the demo", async () => {
    const warm = await apiCall(t, tokens.jen, 'GET', jenAtRoot);
    expect(warm.status).toBe(200);
    const { result, statements, sql } = await countStatements(t.sqlite, () => apiCall(t, tokens.jen, 'GET', jenAtRoot));
    expect(result.json.value.map((i: { properties: { principalId: string } }) => i.properties.principalId)).toEqual([t.ids.jen]);
    if (process.env.ARM_SHOW_STATEMENTS) console.log('jen asTarget root', statements, 'demo', demoStatements, sql);
    expect(statements, sql.join('\n')).toBeLessThanOrEqual(15);
    expect(statements).toBe(demoStatements);
  });

  it('a page costs a bounded number of statements for every list, whoever asks and wherever', async () => {
    for (const who of ['steve', 'jen', 'sam'] as const) {
      for (const collection of [
        'roleEligibilitySchedules',
        'roleAssignmentScheduleInstances',
        'roleEligibilityScheduleRequests',
        'roleAssignmentScheduleRequests',
      ]) {
        for (const scope of [ROOT, grown.managementGroups[0], DEMO_SUBSCRIPTION]) {
          for (const filter of ['', '&$filter=asTarget()', '&$filter=atScope()']) {
            await apiCall(t, tokens[who], 'GET', list(scope, collection, filter)); // the engine catches up once
            const { result, statements, sql } = await countStatements(t.sqlite, () =>
              apiCall(t, tokens[who], 'GET', list(scope, collection, filter)),
            );
            expect(result.status).toBe(200);
            if (process.env.ARM_SHOW_STATEMENTS) console.log(statements, who, collection, scope.slice(-20), filter);
            expect(statements, `${who} ${collection} ${scope} ${filter}\n${sql.join('\n')}`).toBeLessThanOrEqual(15);
          }
        }
      }
    }
  });

  /** What the list holds, worked out the slow way from whole tables and the engine. */
  function reference(userId: string, scope: string, view: 'schedule' | 'instance'): Set<string> {
    const paths = new Map(
      (t.sqlite.prepare('SELECT id, path FROM resources').all() as { id: string; path: string }[]).map((r) => [r.id, r.path]),
    );
    const at = paths.get(scope.toLowerCase())!;
    const groups = new Set(
      (t.sqlite.prepare('SELECT group_id AS g FROM group_members WHERE user_id = ?').all(userId) as { g: string }[]).map((r) => r.g),
    );
    const index = policyIndex(t.db);
    const out = new Set<string>();
    const rows = t.sqlite.prepare('SELECT * FROM eligibility_schedules').all() as Record<string, string | number | null>[];
    for (const r of rows) {
      const p = paths.get(r.scope_id as string)!;
      if (!(at.startsWith(p) || p.startsWith(at))) continue;
      const now = t.now;
      const [start, end, revoked] = [r.start_at as number, r.end_at as number | null, r.revoked_at as number | null];
      const live =
        view === 'instance'
          ? start <= now && (end === null || now < end) && (revoked === null || now < revoked)
          : (revoked === null || revoked > now) && (start > now || end === null || end > now);
      if (!live) continue;
      const mine = r.principal_type === 'User' ? r.principal_id === userId : groups.has(r.principal_id as string);
      if (mine || managementAccess(index, userId, r.scope_id as string, now).allowed) out.add(r.id as string);
    }
    return out;
  }

  it.each([
    ['as chosen', null],
    ['by order', 'order'],
    ['by scope', 'scope'],
  ] as const)('lists exactly what the caller may see, at every level of the tree (region plan %s)', async (_, plan) => {
    planOverride.region = plan;
    // a manager: someone with an active Owner assignment on a generated resource group
    const manager = t.sqlite
      .prepare(
        `SELECT a.principal_id AS id FROM assignment_schedules a JOIN resources r ON r.id = a.scope_id
      WHERE a.principal_type = 'User' AND a.role_id = ? AND r.kind = 'resourceGroup' AND a.start_at <= ?
        AND (a.end_at IS NULL OR a.end_at > ?) AND a.revoked_at IS NULL LIMIT 1`,
      )
      .get(ROLE_IDS.owner, t.now, t.now) as { id: string };
    expect(manager).toBeTruthy();
    const { mintToken } = await import('@/lib/tokens/test-support');
    const user = t.db.query.users.findFirst({ where: (u, { eq }) => eq(u.id, manager.id) }).sync()!;
    const managerToken = mintToken(t.db, user, { name: 'scale test', expiresInDays: 1 }, t.now);
    const subOfManager = (
      t.sqlite
        .prepare(
          `SELECT p.id FROM assignment_schedules a JOIN resources r ON r.id = a.scope_id JOIN resources p ON p.id = r.parent_id
      WHERE a.principal_id = ? AND a.role_id = ? AND r.kind = 'resourceGroup' LIMIT 1`,
        )
        .get(manager.id, ROLE_IDS.owner) as { id: string }
    ).id;
    const cases: [string, string, string][] = [
      ['steve', tokens.steve, ROOT],
      ['steve', tokens.steve, grown.managementGroups[0]],
      ['steve', tokens.steve, grown.resourceGroups[3]],
      ['jen', tokens.jen, ROOT],
      ['manager', managerToken, ROOT],
      ['manager', managerToken, subOfManager],
    ];
    for (const [who, token, scope] of cases) {
      for (const view of ['schedule', 'instance'] as const) {
        const collection = view === 'schedule' ? 'roleEligibilitySchedules' : 'roleEligibilityScheduleInstances';
        const got = await allPages(t, token, list(scope, collection, '&$top=50'));
        const ids = got.items.map((i) => i.name);
        expect(new Set(ids).size, `${who} ${scope} ${view}: no item twice`).toBe(ids.length);
        const want = reference(who === 'manager' ? manager.id : t.ids[who as Persona], scope, view);
        expect(new Set(ids), `${who} ${scope} ${view}`).toEqual(want);
      }
    }
  });

  it('serves someone who manages hundreds of scopes (one range each)', async () => {
    planOverride.region = null;
    const userId = grown.users[7];
    const owner = t.sqlite
      .prepare(`INSERT INTO assignment_schedules (id, principal_type, principal_id, role_id, scope_id, start_at, end_at, created_at, updated_at, origin)
      VALUES (?, 'User', ?, ?, ?, ?, NULL, ?, ?, 'assigned')`);
    grown.leaves
      .slice(0, 1200)
      .forEach((leaf, i) =>
        owner.run(`22222222-0000-4000-8000-${String(i).padStart(12, '0')}`, userId, ROLE_IDS.owner, leaf, t.now - 1, t.now - 1, t.now - 1),
      );
    const { mintToken } = await import('@/lib/tokens/test-support');
    const user = t.db.query.users.findFirst({ where: (u, { eq }) => eq(u.id, userId) }).sync()!;
    const token = mintToken(t.db, user, { name: 'scale test', expiresInDays: 1 }, t.now);
    for (const plan of [null, 'order', 'scope'] as const) {
      planOverride.region = plan;
      for (const view of ['schedule', 'instance'] as const) {
        const collection = view === 'schedule' ? 'roleEligibilitySchedules' : 'roleEligibilityScheduleInstances';
        const got = await allPages(t, token, list(ROOT, collection, '&$top=200'));
        expect(new Set(got.items.map((i) => i.name)), `${plan} ${view}`).toEqual(reference(userId, ROOT, view));
      }
    }
  });

  it('lists the requests and approvals each caller may see or decide, exactly', async () => {
    planOverride.region = null;
    const index = policyIndex(t.db);
    const rows = t.sqlite.prepare('SELECT * FROM requests').all() as Record<string, string | number | null>[];
    const approvers = new Map<string, { type: 'User' | 'Group'; id: string }[]>();
    for (const a of t.sqlite.prepare('SELECT * FROM request_approvers').all() as {
      request_id: string;
      principal_type: 'User' | 'Group';
      principal_id: string;
    }[]) {
      approvers.set(a.request_id, [...(approvers.get(a.request_id) ?? []), { type: a.principal_type, id: a.principal_id }]);
    }
    // some pending requests name an approver: one of Avery, or a generated group
    const pending = rows.filter((r) => r.status === 'PendingApproval');
    const name = t.sqlite.prepare('INSERT INTO request_approvers (request_id, principal_type, principal_id) VALUES (?, ?, ?)');
    pending.slice(0, 40).forEach((r, i) => {
      const a = i % 2 ? { type: 'User' as const, id: t.ids.avery } : { type: 'Group' as const, id: grown.groups[0] };
      name.run(r.id, a.type, a.id);
      approvers.set(r.id as string, [a]);
    });
    const member = (
      t.sqlite.prepare('SELECT user_id AS u FROM group_members WHERE group_id = ? LIMIT 1').get(grown.groups[0]) as { u: string }
    ).u;
    const fact = (r: Record<string, string | number | null>) => ({
      id: r.id as string,
      kind: r.kind as 'eligibility',
      requestType: r.request_type as 'AdminAssign',
      status: r.status as 'Provisioned',
      requesterId: r.requester_id as string,
      principal: { type: r.principal_type as 'User', id: r.principal_id as string },
      roleId: r.role_id as string,
      scopeId: r.scope_id as string,
      startAt: r.start_at as number,
      endAt: r.end_at as number | null,
      createdAt: r.created_at as number,
      approvalDeadline: r.approval_deadline as number | null,
      approvers: approvers.get(r.id as string) ?? [],
      linkedEligibilityId: null,
      targetScheduleId: null,
    });
    const idx = policyIndex(t.db);
    const decides = (userId: string, r: Record<string, string | number | null>) => canDecide(idx, userId, fact(r), t.now).allowed;
    const { mintToken } = await import('@/lib/tokens/test-support');
    const tokenOf = (userId: string) =>
      mintToken(
        t.db,
        t.db.query.users.findFirst({ where: (u, { eq }) => eq(u.id, userId) }).sync()!,
        { name: 'scale', expiresInDays: 1 },
        t.now,
      );
    for (const [label, userId, token] of [
      ['steve', t.ids.steve, tokens.steve],
      ['avery', t.ids.avery, tokens.avery],
      ['group member', member, tokenOf(member)],
    ] as const) {
      const asApprover = await allPages(t, token, list(ROOT, 'roleAssignmentScheduleRequests', '&$filter=asApprover()&$top=40'));
      expect(new Set(asApprover.items.map((i) => i.name)), `${label} asApprover()`).toEqual(
        new Set(rows.filter((r) => r.kind === 'assignment' && decides(userId, r)).map((r) => r.id)),
      );
      const queue = await allPages(
        t,
        token,
        `/providers/Microsoft.Authorization/roleAssignmentApprovals?api-version=2021-01-01-preview&$filter=asApprover()&$top=40`,
      );
      expect(new Set(queue.items.map((i) => i.name)), `${label} approvals asApprover()`).toEqual(
        new Set(rows.filter((r) => decides(userId, r)).map((r) => r.id)),
      );
      const seen = await allPages(t, token, list(ROOT, 'roleEligibilityScheduleRequests', '&$top=100'));
      const groups = new Set(
        (t.sqlite.prepare('SELECT group_id AS g FROM group_members WHERE user_id = ?').all(userId) as { g: string }[]).map((g) => g.g),
      );
      const sees = (r: Record<string, string | number | null>) =>
        (r.principal_type === 'User' ? r.principal_id === userId : groups.has(r.principal_id as string)) ||
        r.requester_id === userId ||
        managementAccess(index, userId, r.scope_id as string, t.now).allowed ||
        decides(userId, r);
      expect(new Set(seen.items.map((i) => i.name)), `${label} eligibility requests`).toEqual(
        new Set(rows.filter((r) => r.kind === 'eligibility' && sees(r)).map((r) => r.id)),
      );
    }
  });

  it.each([
    ['as chosen', null],
    ['by order', 'order'],
    ['by scope', 'scope'],
  ] as const)('pages show every item once while rows are written between page reads (region plan %s)', async (_, plan) => {
    planOverride.region = plan;
    const ins = t.sqlite
      .prepare(`INSERT INTO eligibility_schedules (id, principal_type, principal_id, role_id, scope_id, start_at, end_at, created_at, updated_at)
      VALUES (?, 'User', ?, ?, ?, ?, NULL, ?, ?)`);
    let n = 0;
    for (const scope of [ROOT, grown.subscriptions[1]]) {
      const before = await allPages(t, tokens.steve, list(scope, 'roleEligibilitySchedules', '&$top=1000'));
      const paged = await allPages(t, tokens.steve, list(scope, 'roleEligibilitySchedules', '&$top=37'), (page) => {
        // between reads: one row newer than everything, one as old as the oldest, at the listed scope
        for (const created of [t.now + page, t.now - 500 * 86_400_000 - page]) {
          ins.run(
            `00000000-0000-4000-8000-${String(++n).padStart(6, '0')}${plan ?? 'auto'}`.slice(0, 36),
            grown.users[n % grown.users.length],
            ROLE_IDS.reader,
            scope.toLowerCase(),
            t.now - 1,
            created,
            created,
          );
        }
      });
      const names = paged.items.map((i) => i.name);
      expect(new Set(names).size).toBe(names.length);
      for (const item of before.items) expect(names).toContain(item.name);
      expect(paged.pages).toBeGreaterThan(1);
    }
  });

  it('lists 250 eligibilities across pages of 100, each exactly once', async () => {
    const scope = grown.resourceGroups[0];
    const ins = t.sqlite
      .prepare(`INSERT INTO eligibility_schedules (id, principal_type, principal_id, role_id, scope_id, start_at, end_at, created_at, updated_at)
      VALUES (?, 'User', ?, ?, ?, ?, NULL, ?, ?)`);
    const made = Array.from({ length: 250 }, (_, i) => `11111111-0000-4000-8000-${String(i).padStart(12, '0')}`);
    // half of them share one created_at: the id orders the ties
    made.forEach((id, i) =>
      ins.run(id, grown.users[i % grown.users.length], ROLE_IDS.contributor, scope, t.now - 1, t.now - (i % 2 ? i : 0), t.now),
    );
    const got = await allPages(
      t,
      tokens.steve,
      list(
        scope,
        'roleEligibilitySchedules',
        `&$filter=${encodeURIComponent(`roleDefinitionId eq '${ROLE_IDS.contributor}' and atScope()`)}`,
      ),
    );
    const names = got.items.map((i) => i.name);
    expect(got.pages).toBeGreaterThanOrEqual(3);
    expect(names.filter((n) => made.includes(n)).sort()).toEqual([...made].sort());
    expect(new Set(names).size).toBe(names.length);
  });

  it('answers a garbage or foreign $skipToken with a 400 ARM error', async () => {
    const first = await apiCall(t, tokens.steve, 'GET', list(ROOT, 'roleEligibilitySchedules', '&$top=2'));
    const token = new URL(first.json.nextLink).searchParams.get('$skipToken')!;
    for (const [path, why] of [
      [list(ROOT, 'roleEligibilitySchedules', '&$skipToken=garbage'), 'garbage'],
      [list(ROOT, 'roleEligibilitySchedules', `&$skipToken=${encodeURIComponent(token.slice(0, -2))}`), 'tampered'],
      [list(ROOT, 'roleAssignmentSchedules', `&$skipToken=${encodeURIComponent(token)}`), 'another collection'],
      [list(DEMO_SUBSCRIPTION, 'roleEligibilitySchedules', `&$skipToken=${encodeURIComponent(token)}`), 'another scope'],
    ]) {
      const r = await apiCall(t, tokens.steve, 'GET', path);
      expect([r.status, r.json.error.code], why).toEqual([400, 'InvalidSkipToken']);
      expect(r.json.error.message).toMatch(/skipToken/);
    }
    const top = await apiCall(t, tokens.steve, 'GET', list(ROOT, 'roleEligibilitySchedules', '&$top=abc'));
    expect([top.status, top.json.error.code]).toEqual([400, 'InvalidTop']);
  });
});
