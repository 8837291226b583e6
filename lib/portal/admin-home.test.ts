import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { freshDb } from '@/tests/support/db';
import { DAY_MS, ROLE_IDS } from '@/lib/policy';
import { policyIndex } from '@/lib/tenant/engine';
import { administeredScopes } from '@/lib/resources/administered';
import { addSchedules } from '@/lib/resources/test-support';
import { rg, submitActivation, SUB } from '@/lib/approvals/test-support';
import { activityInAdministered, pendingInAdministered } from './admin-home';
import { personaFacts, personaFor } from './persona-facts';
import { personaOf } from './persona';

let t: ReturnType<typeof freshDb>;
beforeEach(() => {
  t = freshDb();
});
afterEach(() => t.close());

/** Sam becomes an active User Access Administrator of finance-prod: a resource administrator, not a PIM administrator. */
function samAdministersFinanceProd() {
  addSchedules(t, [
    {
      id: 'sam-uaa',
      kind: 'active',
      principal: { type: 'User', id: t.ids.sam },
      roleId: ROLE_IDS.userAccessAdministrator,
      scopeId: rg('finance-prod'),
      startAt: t.now - DAY_MS,
      endAt: null,
      revokedAt: null,
      origin: 'assigned',
      linkedEligibilityId: null,
    },
  ]);
}

describe('admin home counts', () => {
  it('count pending requests and activity under the scopes the viewer administers only', () => {
    const prod = submitActivation(t.db, t.ids.jen, rg('finance-prod'), t.now);
    submitActivation(t.db, t.ids.jen, SUB, t.now + 1000);
    samAdministersFinanceProd();
    const index = policyIndex(t.db);
    const steve = administeredScopes(t.db, index, t.ids.steve, t.now);
    const sam = administeredScopes(t.db, index, t.ids.sam, t.now);
    expect(pendingInAdministered(t.db, steve, t.now)).toEqual({ count: 2, oldest: t.now });
    expect(pendingInAdministered(t.db, sam, t.now)).toEqual({ count: 1, oldest: prod.createdAt });
    // past their approval deadline they have timed out (rule 3), whether or not a sweep ran
    expect(pendingInAdministered(t.db, steve, t.now + 3 * DAY_MS).count).toBe(0);
    const days = activityInAdministered(t.db, steve, t.now, 14);
    expect(days).toHaveLength(14);
    expect(days.at(-1)!.day).toBe(new Date(t.now).toISOString().slice(0, 10));
    expect(
      activityInAdministered(t.db, { everywhere: false, roots: [] }, t.now).every((d) => d.activations === 0 && d.approvals === 0),
    ).toBe(true);
  });
});

describe('what the navigation offers, from SQL', () => {
  it('agrees with the walk over every setting and every pending request', () => {
    submitActivation(t.db, t.ids.jen, rg('finance-prod'), t.now);
    const index = policyIndex(t.db);
    for (const id of [t.ids.steve, t.ids.avery, t.ids.jen, t.ids.sam]) {
      expect(personaFor(t.db, id, t.now + 1, index)).toEqual(personaOf(index, id, t.now + 1));
    }
    expect(personaFor(t.db, t.ids.avery, t.now + 1)).toMatchObject({ approves: true, pendingApprovals: 1, administers: false });
    expect(personaFacts(t.db, index, t.ids.jen, t.now).namedApprover).toBe(false);
    samAdministersFinanceProd();
    expect(personaFor(t.db, t.ids.sam, t.now + 1)).toMatchObject({ administers: true });
  });
});
