import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { freshDb } from '@/tests/support/db';
import { DEMO_SUBSCRIPTION } from '@/db/seed/demo';
import { eligibilitySchedules } from '@/db/schema';
import { DAY_MS, ROLE_IDS, type ResourceFact } from '@/lib/policy';
import { policyIndex } from '@/lib/tenant/engine';
import { addResources, addSchedules, loadGenerated } from '@/lib/resources/test-support';
import { decodeCursor, type Page } from './keyset';
import { activationScopes, type ScopeQuery, type ScopeRow } from './activation-scopes';

let t: ReturnType<typeof freshDb>;
beforeEach(() => {
  t = freshDb();
});
afterEach(() => t.close());

const sub = DEMO_SUBSCRIPTION.toLowerCase();
const eligibilityOf = (userId: string) =>
  t.db
    .select()
    .from(eligibilitySchedules)
    .where(and(eq(eligibilitySchedules.principalId, userId)))
    .get()!.id;
const ask = (userId: string, elig: string, q: ScopeQuery, after?: string | null) =>
  activationScopes(t.db, policyIndex(t.db), userId, elig, q, t.now, { after: after ? decodeCursor(after, ['s', 's']) : null });

describe('the activation dialog, one level at a time', () => {
  it("Jen's Owner eligibility: the subscription, then its resource groups, each with the outcome its own settings give", () => {
    const elig = eligibilityOf(t.ids.jen);
    const root = ask(t.ids.jen, elig, { kind: 'root' })!;
    expect(root.rows.map((r) => [r.name, r.outcome.kind, r.childCount])).toEqual([['Blue Widget Co', 'approval', 3]]);
    const rgs = ask(t.ids.jen, elig, { kind: 'children', parentId: sub })!;
    expect(rgs.rows.map((r) => [r.name, r.outcome.kind, r.inherited])).toEqual([
      ['finance-dev', 'active', true],
      ['finance-prod', 'approval', true],
      ['finance-test', 'active', true],
    ]);
    expect(rgs.rows[1].outcome).toMatchObject({ approvers: ['Avery'] });
    const vms = ask(t.ids.jen, elig, { kind: 'children', parentId: `${sub}/resourcegroups/finance-dev` })!;
    expect(vms.rows.map((r) => r.name)).toEqual(['finance-dev-vm1', 'finance-dev-vm2']);
    expect(vms.rows[0].path).toBe('Tenant › Blue Widget Co › finance-dev › finance-dev-vm1');
  });

  it('searches by name under the eligibility only, and finds one given scope', () => {
    const elig = eligibilityOf(t.ids.jen);
    const hits = ask(t.ids.jen, elig, { kind: 'search', q: 'VM1' })!;
    expect(hits.rows.map((r) => r.path)).toEqual([
      'Tenant › Blue Widget Co › finance-dev › finance-dev-vm1',
      'Tenant › Blue Widget Co › finance-prod › finance-prod-vm1',
      'Tenant › Blue Widget Co › finance-test › finance-test-vm1',
    ]);
    // Sam's eligibility is finance-dev: the other resource groups' machines are not his to see
    const sams = eligibilityOf(t.ids.sam);
    expect(ask(t.ids.sam, sams, { kind: 'search', q: 'vm1' })!.rows.map((r) => r.name)).toEqual(['finance-dev-vm1']);
    const one = ask(t.ids.jen, elig, { kind: 'one', scopeId: `${sub}/resourcegroups/finance-prod` })!;
    expect(one.rows.map((r) => r.name)).toEqual(['finance-prod']);
  });

  it("refuses someone else's eligibility and scopes outside one's own", () => {
    const jens = eligibilityOf(t.ids.jen);
    const sams = eligibilityOf(t.ids.sam);
    expect(ask(t.ids.sam, jens, { kind: 'root' })).toBeNull();
    expect(ask(t.ids.sam, jens, { kind: 'children', parentId: sub })).toBeNull();
    expect(ask(t.ids.sam, sams, { kind: 'children', parentId: sub })).toBeNull();
    expect(ask(t.ids.sam, sams, { kind: 'one', scopeId: `${sub}/resourcegroups/finance-prod` })).toBeNull();
    expect(ask(t.ids.sam, 'no-such-eligibility', { kind: 'root' })).toBeNull();
  });

  it('pages a level with thousands of scopes, exactly once each, evaluating only the rows returned', () => {
    const snap = loadGenerated(t, { resources: 3000, managedRatio: 1 });
    const s1 = snap.resources.find((r) => r.kind === 'subscription')!;
    const extra = Array.from({ length: 1200 }, (_, i): ResourceFact => ({
      id: `${s1.id}/resourcegroups/team-${i}`,
      parentId: s1.id,
      kind: 'resourceGroup',
      name: `team-${i}`,
      managed: false,
    }));
    addResources(t, extra);
    const rgs = [...snap.resources.filter((r) => r.parentId === s1.id), ...extra];
    addSchedules(t, [
      {
        id: 'sam-big',
        kind: 'eligible',
        principal: { type: 'User', id: t.ids.sam },
        roleId: ROLE_IDS.reader,
        scopeId: s1.id,
        startAt: t.now - DAY_MS,
        endAt: t.now + 30 * DAY_MS,
        revokedAt: null,
        origin: 'assigned',
        linkedEligibilityId: null,
      },
    ]);
    const seen: string[] = [];
    let after: string | null = null;
    do {
      const page: Page<ScopeRow> = ask(t.ids.sam, 'sam-big', { kind: 'children', parentId: s1.id }, after)!;
      expect(page.rows.length).toBeLessThanOrEqual(50);
      seen.push(...page.rows.map((r) => r.id));
      after = page.next;
    } while (after);
    expect(seen.sort()).toEqual(rgs.map((r) => r.id).sort());
  });
});
