import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDb } from '@/tests/support/db';
import { deliveryIdle } from '@/lib/notify/deliver';
import { planOverride } from './list-sql';
import { buildScenario, collect, listCases, type Scenario } from './lists.scenario';

/**
 * Every API list, for every persona, scope and $filter of the matrix, lists the same
 * items as the in-memory lists did before they moved into SQL (lists.expected.json was
 * captured from that code on this very scenario). Order within a page may differ (ties
 * on the sort key), the items may not.
 */

const expected = JSON.parse(fs.readFileSync(path.join(__dirname, 'lists.expected.json'), 'utf8')) as {
  cases: Record<string, string | { error: string; status: number }>;
  items: Record<string, string | null>;
};
const hash = (x: string) => crypto.createHash('sha256').update(x).digest('hex').slice(0, 10);

let s: Scenario;
beforeAll(async () => {
  s = await buildScenario(freshDb());
}, 120_000);
afterAll(async () => {
  planOverride.region = null;
  await deliveryIdle(); // the scenario's approval requests queue e-mail
  s?.t.close();
});

describe('API lists in SQL answer as the in-memory lists did', () => {
  it('covers the whole matrix of the captured cases', () => {
    expect(
      listCases(s)
        .map((c) => c.key)
        .sort(),
    ).toEqual(Object.keys(expected.cases).sort());
  });

  // the demo is small, so lists read their part of the tree by scope (as chosen); the walk
  // in (created_at, id) order that big parts of big tenants take must answer the same; and
  // one item per page, following nextLink: the rows tie on created_at, so the id decides
  it.each([
    ['as chosen: by scope', null, undefined],
    ['by order', 'order', undefined],
    ['as chosen, one per page', null, 1],
  ] as const)(
    'lists the same items for every persona, scope, collection and $filter (region plan %s)',
    async (_, plan, top) => {
      planOverride.region = plan;
      const differences: string[] = [];
      for (const c of listCases(s)) {
        const got = await collect(s, c, top);
        const want = expected.cases[c.key];
        if (typeof want !== 'string') {
          if (!('error' in got) || got.error !== want.error)
            differences.push(`${c.key}: expected error ${want.error}, got ${JSON.stringify(got)}`);
          continue;
        }
        if ('error' in got) {
          differences.push(`${c.key}: ${got.status} ${got.error}`);
          continue;
        }
        const gotHashes = got.items.map(hash).sort();
        const wantHashes = want ? want.split(' ').sort() : [];
        if (gotHashes.join(' ') !== wantHashes.join(' ')) {
          const missing = wantHashes.filter((h) => !gotHashes.includes(h)).map((h) => expected.items[h] ?? h);
          const extra = got.items.filter((x) => !wantHashes.includes(hash(x)));
          differences.push(`${c.key}:\n  missing ${JSON.stringify(missing)}\n  extra ${JSON.stringify(extra)}`);
        }
      }
      expect(differences.slice(0, 5).join('\n')).toBe('');
      expect(differences.length).toBe(0);
    },
    120_000,
  );
});

describe("assignedTo('{userId}')", () => {
  const at = (scope: string, collection: string, filter: string) =>
    `${scope}/providers/Microsoft.Authorization/${collection}?api-version=2020-10-01&$filter=${encodeURIComponent(filter)}`;
  const who = (items: { properties: { principalId: string; scope: string } }[]) =>
    items
      .map((i) => {
        const who =
          i.properties.principalId === s.groupId ? 'group' : Object.entries(s.t.ids).find(([, id]) => id === i.properties.principalId)?.[0];
        return `${who} ${i.properties.scope.split('/').pop()}`;
      })
      .sort();

  it("lists a user's schedules, directly and through their groups, as far as the caller may see them", async () => {
    const root = '/providers/Microsoft.Management/managementGroups/7f3c2a1e-4b5d-4e6f-8a9b-0c1d2e3f4a5b';
    const steve = await s.call('steve', 'GET', at(root, 'roleEligibilitySchedules', `assignedTo('${s.t.ids.sam}')`));
    expect(who(steve.json.value)).toEqual(['group finance-prod', 'sam finance-dev']);
    // Jen manages finance-test and finance-prod (her activations), not finance-dev
    const jen = await s.call('jen', 'GET', at(root, 'roleEligibilitySchedules', `assignedTo('${s.t.ids.sam.toUpperCase()}')`));
    expect(who(jen.json.value)).toEqual(['group finance-prod']);
    const nobody = await s.call(
      'steve',
      'GET',
      at(root, 'roleEligibilityScheduleInstances', "assignedTo('00000000-0000-4000-8000-000000000000')"),
    );
    expect(nobody.json.value).toEqual([]);
  });

  it('is refused on request lists with a 400 that says what to use', async () => {
    const r = await s.call(
      'steve',
      'GET',
      at('/subscriptions/5e1f0c4a-2b7d-4c1e-9a3b-6d8f0e2a1c55', 'roleEligibilityScheduleRequests', `assignedTo('${s.t.ids.sam}')`),
    );
    expect([r.status, r.json.error.code]).toEqual([400, 'InvalidFilter']);
    expect(r.json.error.message).toMatch(/principalId eq/);
  });
});
