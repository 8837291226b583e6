import type Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_SUBSCRIPTION } from '@/db/seed/demo';
import { managementAccess, ROLE_IDS } from '@/lib/policy';
import { policyIndex } from '@/lib/tenant/engine';
import { deliveryIdle } from '@/lib/notify/deliver';
import { freshDb } from '@/tests/support/db';
import { planOverride } from './list-sql';
import { apiCall, buildScenario, PERSONAS, ROOT, SCOPES, rg, tokensFor, type Persona, type Scenario } from './lists.scenario';
import { growTenant, type Grown } from './test-tenant';

/**
 * Classic roleAssignments (2022-04-01): the access in force now, read in SQL with the
 * plans, visibility and keyset paging of the other lists. On the demo scenario they list
 * exactly what roleAssignmentScheduleInstances list (the same rows in the classic shape);
 * on a generated tenant a page costs a bounded number of statements and holds exactly
 * what the caller may see.
 */

type Fresh = ReturnType<typeof freshDb>;
const ra = (scope: string, q = '') => `${scope}/providers/Microsoft.Authorization/roleAssignments?api-version=2022-04-01${q}`;
const instances = (scope: string, q = '') =>
  `${scope}/providers/Microsoft.Authorization/roleAssignmentScheduleInstances?api-version=2020-10-01${q}`;
const filter = (f: string) => (f ? `&$filter=${encodeURIComponent(f)}` : '');

async function allPages(call: (path: string) => Promise<{ status: number; json: any }>, path: string) {
  const items: { id: string; name: string; type: string; properties: Record<string, any> }[] = [];
  let next: string | null = path;
  let pages = 0;
  while (next) {
    const r = await call(next);
    if (r.status !== 200) throw new Error(`${r.status} ${JSON.stringify(r.json)}`);
    items.push(...r.json.value);
    pages++;
    next = r.json.nextLink ? String(r.json.nextLink).replace(/^https:\/\/elevate\.test/, '') : null;
  }
  return { items, pages };
}

describe('roleAssignments on the demo scenario', () => {
  let s: Scenario;
  beforeAll(async () => {
    s = await buildScenario(freshDb());
  }, 120_000);
  afterAll(async () => {
    planOverride.region = null;
    await deliveryIdle();
    s?.t.close();
  });

  it.each([
    ['as chosen', null, undefined],
    ['by order', 'order', undefined],
    ['as chosen, one per page', null, 1],
    ['by scope', 'scope', 2],
  ] as const)(
    'lists what roleAssignmentScheduleInstances list, for every persona, scope and filter (plan %s)',
    async (_, plan, top) => {
      planOverride.region = plan;
      const filters = [
        '',
        'atScope()',
        `principalId eq '${s.t.ids.jen}'`,
        `principalId eq '${s.groupId}'`,
        `assignedTo('${s.t.ids.jen}')`,
        `assignedTo('${s.t.ids.sam}') and atScope()`,
        `roleDefinitionId eq '${ROLE_IDS.owner}'`,
      ];
      const topQ = top === undefined ? '' : `&$top=${top}`;
      for (const who of PERSONAS) {
        for (const [scopeName, scope] of Object.entries(SCOPES)) {
          for (const f of filters) {
            const call = (p: string) => s.call(who, 'GET', p);
            const got = await allPages(call, ra(scope, filter(f) + topQ));
            const want = await allPages(call, instances(scope, filter(f)));
            const names = got.items.map((i) => i.name);
            expect(new Set(names).size, `${who} ${scopeName} ${f}: no item twice`).toBe(names.length);
            expect(names.sort(), `${who} ${scopeName} ${f}`).toEqual(want.items.map((i) => i.name).sort());
          }
        }
      }
    },
    120_000,
  );

  it('shows each assignment as Azure does: at its own scope, inherited ones included below, ended ones never', async () => {
    const atProd = await allPages((p) => s.call('steve', 'GET', p), ra(SCOPES.prod, filter('atScope()')));
    // Steve's User Access Administrator on the subscription is inherited at finance-prod; Jen's approved activation is there
    const steveUaa = atProd.items.find((i) => i.properties.principalId === s.t.ids.steve)!;
    expect(steveUaa).toMatchObject({
      type: 'Microsoft.Authorization/roleAssignments',
      properties: { scope: DEMO_SUBSCRIPTION, principalType: 'User', condition: null, conditionVersion: null },
    });
    expect(steveUaa.id).toBe(`${DEMO_SUBSCRIPTION}/providers/Microsoft.Authorization/roleAssignments/${steveUaa.name}`);
    expect(steveUaa.properties.roleDefinitionId).toBe(
      `${DEMO_SUBSCRIPTION}/providers/Microsoft.Authorization/roleDefinitions/${ROLE_IDS.userAccessAdministrator}`,
    );
    const jenOwner = atProd.items.find((i) => i.properties.principalId === s.t.ids.jen)!;
    expect(jenOwner.properties).toMatchObject({
      scope: rg('finance-prod'),
      createdBy: s.t.ids.jen,
      updatedBy: s.t.ids.jen,
      delegatedManagedIdentityResourceId: null,
    });
    expect(Date.parse(jenOwner.properties.createdOn)).toBe(s.t.now);
    // at the subscription with atScope(): nothing of finance-prod's
    const atSub = await allPages((p) => s.call('steve', 'GET', p), ra(SCOPES.sub, filter('atScope()')));
    expect(atSub.items.every((i) => i.properties.scope === DEMO_SUBSCRIPTION)).toBe(true);
    // two hours later Jen's activations have ended: gone from the list and from GET
    const later = s.t.now + 3 * 3_600_000;
    const after = await apiCall(s.t, s.tokens.steve, 'GET', ra(SCOPES.prod, filter('atScope()')), undefined, later);
    expect(after.json.value.map((i: { name: string }) => i.name)).not.toContain(jenOwner.name);
    const gone = await apiCall(s.t, s.tokens.steve, 'GET', `${jenOwner.id}?api-version=2022-04-01`, undefined, later);
    expect([gone.status, gone.json.error.code]).toEqual([404, 'RoleAssignmentNotFound']);
  });

  it('gets one by name at its scope and by id; 404 at another scope or for someone who may not see it', async () => {
    const mine = (await s.call('jen', 'GET', ra(SCOPES.sub, filter(`assignedTo('${s.t.ids.jen}')`)))).json.value as {
      id: string;
      name: string;
      properties: { scope: string };
    }[];
    expect(mine.length).toBeGreaterThan(0);
    const one = mine[0];
    const byName = await s.call(
      'jen',
      'GET',
      `${one.properties.scope}/providers/Microsoft.Authorization/roleAssignments/${one.name}?api-version=2022-04-01`,
    );
    expect([byName.status, byName.json.id]).toEqual([200, one.id]);
    const byId = await s.call('jen', 'GET', `${one.id.toUpperCase().replace('/SUBSCRIPTIONS/', '/subscriptions/')}?api-version=2022-04-01`);
    expect(byId.status).toBe(200);
    const elsewhere = await s.call(
      'jen',
      'GET',
      `${SCOPES.root}/providers/Microsoft.Authorization/roleAssignments/${one.name}?api-version=2022-04-01`,
    );
    expect([elsewhere.status, elsewhere.json.error.code]).toEqual([404, 'RoleAssignmentNotFound']);
    const avery = await s.call('avery', 'GET', `${one.id}?api-version=2022-04-01`);
    expect(avery.status).toBe(404);
  });

  it('refuses create and delete with an error that names the governed requests to send', async () => {
    const put = await s.call(
      'steve',
      'PUT',
      `${SCOPES.prod}/providers/Microsoft.Authorization/roleAssignments/${crypto.randomUUID()}?api-version=2022-04-01`,
      {
        properties: {
          roleDefinitionId: `${DEMO_SUBSCRIPTION}/providers/Microsoft.Authorization/roleDefinitions/${ROLE_IDS.reader}`,
          principalId: s.t.ids.sam,
        },
      },
    );
    expect([put.status, put.json.error.code]).toEqual([400, 'RoleAssignmentRequestRequired']);
    expect(put.json.error.message).toMatch(/roleAssignmentScheduleRequests\/\{new GUID\}/);
    expect(put.json.error.message).toMatch(/AdminAssign/);
    const anyone = (await s.call('steve', 'GET', ra(SCOPES.sub, filter('atScope()')))).json.value[0];
    const del = await s.call('steve', 'DELETE', `${anyone.id}?api-version=2022-04-01`);
    expect([del.status, del.json.error.code]).toEqual([400, 'RoleAssignmentRequestRequired']);
    expect(del.json.error.message).toMatch(/AdminRemove/);
    expect(del.json.error.details[0].target).toBe(`${DEMO_SUBSCRIPTION}/providers/Microsoft.Authorization/roleAssignmentScheduleRequests`);
    // nothing changed
    expect((await s.call('steve', 'GET', `${anyone.id}?api-version=2022-04-01`)).status).toBe(200);
  });

  it('refuses request-only filters and unknown api-versions', async () => {
    const r = await s.call('steve', 'GET', ra(SCOPES.sub, filter('asApprover()')));
    expect([r.status, r.json.error.code]).toEqual([400, 'InvalidFilter']);
    const v = await s.call('steve', 'GET', `${SCOPES.sub}/providers/Microsoft.Authorization/roleAssignments?api-version=2020-10-01`);
    expect([v.status, v.json.error.code]).toEqual([400, 'InvalidApiVersionParameter']);
  });
});

/** Counts the SQL statements run while `fn` runs. */
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

describe('roleAssignments on a generated tenant', () => {
  let t: Fresh;
  let tokens: Record<Persona, string>;
  let grown: Grown;
  beforeAll(() => {
    t = freshDb();
    tokens = tokensFor(t);
    grown = growTenant(t.sqlite, t.now, { resources: 4000, users: 800, groups: 80, schedules: 4000, requests: 500 });
  }, 120_000);
  afterAll(() => {
    planOverride.region = null;
    t?.close();
  });

  /** What the list holds, worked out the slow way from the whole table and the engine. */
  function reference(userId: string, scope: string, atScope: boolean): Set<string> {
    const paths = new Map(
      (t.sqlite.prepare('SELECT id, path FROM resources').all() as { id: string; path: string }[]).map((r) => [r.id, r.path]),
    );
    const at = paths.get(scope.toLowerCase())!;
    const groups = new Set(
      (t.sqlite.prepare('SELECT group_id AS g FROM group_members WHERE user_id = ?').all(userId) as { g: string }[]).map((r) => r.g),
    );
    const index = policyIndex(t.db);
    const out = new Set<string>();
    for (const r of t.sqlite.prepare('SELECT * FROM assignment_schedules').all() as Record<string, string | number | null>[]) {
      const p = paths.get(r.scope_id as string)!;
      if (!(at.startsWith(p) || (!atScope && p.startsWith(at)))) continue;
      const [start, end, revoked] = [r.start_at as number, r.end_at as number | null, r.revoked_at as number | null];
      if (!(start <= t.now && (end === null || t.now < end) && (revoked === null || t.now < revoked))) continue;
      const mine = r.principal_type === 'User' ? r.principal_id === userId : groups.has(r.principal_id as string);
      if (mine || managementAccess(index, userId, r.scope_id as string, t.now).allowed) out.add(r.id as string);
    }
    return out;
  }

  it('a page costs a bounded number of statements, whoever asks and wherever', async () => {
    for (const who of ['steve', 'jen', 'sam'] as const) {
      for (const scope of [ROOT, grown.managementGroups[0], grown.subscriptions[0], DEMO_SUBSCRIPTION]) {
        for (const f of ['', 'atScope()', `assignedTo('${t.ids[who]}')`, `principalId eq '${grown.users[3]}'`]) {
          await apiCall(t, tokens[who], 'GET', ra(scope, filter(f))); // the engine catches up once
          const { result, statements, sql } = await countStatements(t.sqlite, () => apiCall(t, tokens[who], 'GET', ra(scope, filter(f))));
          expect(result.status).toBe(200);
          expect(statements, `${who} ${scope} ${f}\n${sql.join('\n')}`).toBeLessThanOrEqual(15);
          // never a whole-table read: every statement that touches assignment_schedules names an index or a key
          for (const q of sql.filter((x) => /assignment_schedules/.test(x) && /SELECT/i.test(x))) {
            const plan = (t.sqlite.prepare(`EXPLAIN QUERY PLAN ${q}`).all(...Array(countParams(q)).fill(null)) as { detail: string }[]).map(
              (p) => p.detail,
            );
            expect(
              plan.filter((d) => /^SCAN (t|assignment_schedules)\b(?!.*USING)/.test(d)),
              `${q}\n${plan.join('\n')}`,
            ).toEqual([]);
          }
        }
      }
    }
  });

  it.each([
    ['as chosen', null],
    ['by order', 'order'],
    ['by scope', 'scope'],
  ] as const)('lists exactly what the caller may see, at every level of the tree (region plan %s)', async (_, plan) => {
    planOverride.region = plan;
    for (const [who, scope] of [
      ['steve', ROOT],
      ['steve', grown.managementGroups[0]],
      ['steve', grown.resourceGroups[3]],
      ['jen', ROOT],
      ['sam', DEMO_SUBSCRIPTION],
    ] as const) {
      for (const atScope of [false, true]) {
        const got = await allPages((p) => apiCall(t, tokens[who], 'GET', p), ra(scope, filter(atScope ? 'atScope()' : '') + '&$top=50'));
        const names = got.items.map((i) => i.name);
        expect(new Set(names).size, `${who} ${scope}: no item twice`).toBe(names.length);
        expect(new Set(names), `${who} ${scope} atScope=${atScope}`).toEqual(reference(t.ids[who], scope, atScope));
      }
    }
  });

  it('pages 250+ in-force assignments at the default page size, each exactly once', async () => {
    const scope = grown.resourceGroups[5];
    const ins = t.sqlite
      .prepare(`INSERT INTO assignment_schedules (id, principal_type, principal_id, role_id, scope_id, start_at, end_at, created_at, updated_at, origin)
      VALUES (?, 'User', ?, ?, ?, ?, NULL, ?, ?, 'assigned')`);
    const made = Array.from({ length: 260 }, (_, i) => `33333333-0000-4000-8000-${String(i).padStart(12, '0')}`);
    made.forEach((id, i) =>
      ins.run(id, grown.users[i % grown.users.length], ROLE_IDS.reader, scope, t.now - 1, t.now - (i % 3 ? i : 0), t.now),
    );
    const got = await allPages(
      (p) => apiCall(t, tokens.steve, 'GET', p),
      ra(scope, filter(`roleDefinitionId eq '${ROLE_IDS.reader}' and atScope()`)),
    );
    const names = got.items.map((i) => i.name);
    expect(got.pages).toBeGreaterThanOrEqual(3);
    expect(new Set(names).size).toBe(names.length);
    expect(names.filter((n) => made.includes(n)).sort()).toEqual([...made].sort());
  });
});

/** How many `?` parameters a statement has (outside quotes), to EXPLAIN it with nulls. */
function countParams(q: string): number {
  let n = 0;
  let quoted = false;
  for (const ch of q) {
    if (ch === "'") quoted = !quoted;
    else if (ch === '?' && !quoted) n++;
  }
  return n;
}
