import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { users } from '@/db/schema';
import { mintToken } from '@/lib/tokens/test-support';
import { deliveryIdle } from '@/lib/notify/deliver';
import { freshDb } from '@/tests/support/db';
import { apiCall, buildScenario, rg, SCOPES, type Scenario } from './lists.scenario';

/**
 * POST …/cancel over the API: 200 with the canceled request as its body, and for a request
 * that no longer waits for a decision a 409 whose code and words fit what happened to it.
 */

const requests = (scope: string, filter: string) =>
  `${scope}/providers/Microsoft.Authorization/roleAssignmentScheduleRequests?api-version=2020-10-01&$filter=${encodeURIComponent(filter)}`;
const cancel = (scope: string, name: string) =>
  `${scope}/providers/Microsoft.Authorization/roleAssignmentScheduleRequests/${name}/cancel?api-version=2020-10-01`;

describe('cancel outcomes', () => {
  let s: Scenario;
  let pending: string;
  let provisioned: string;
  let approved: string;
  beforeAll(async () => {
    s = await buildScenario(freshDb());
    const mine = (await s.call('jen', 'GET', requests(SCOPES.root, 'asRequestor()'))).json.value as {
      name: string;
      properties: { status: string; scope: string };
    }[];
    const at = (scope: string) => mine.find((r) => r.properties.scope.toLowerCase() === scope.toLowerCase())!;
    pending = at(SCOPES.sub).name;
    provisioned = at(rg('finance-test')).name;
    approved = at(SCOPES.prod).name;
    expect([at(SCOPES.sub).properties.status, at(rg('finance-test')).properties.status, at(SCOPES.prod).properties.status]).toEqual([
      'PendingApproval',
      'Provisioned',
      'Provisioned',
    ]);
  }, 120_000);
  afterAll(async () => {
    await deliveryIdle();
    s?.t.close();
  });

  it('a request whose approval window has passed timed out: nothing to cancel', async () => {
    // a token that outlives the 24 h approval window (the scenario's last one day)
    const jen = s.t.db.select().from(users).where(eq(users.id, s.t.ids.jen)).get()!;
    const token = mintToken(s.t.db, jen, { name: 'cancel test', expiresInDays: 7 }, s.t.now);
    const r = await apiCall(s.t, token, 'POST', cancel(SCOPES.sub, pending), undefined, s.t.now + 3 * 86_400_000);
    expect([r.status, r.json.error.code]).toEqual([409, 'RoleAssignmentRequestTimedOut']);
    expect(r.json.error.message).toMatch(/timed out at .* UTC without a decision/);
  });

  it('provisioned at once: 409 that says no approval was ever asked and what to send instead, before any justification is asked of an admin', async () => {
    for (const who of ['jen', 'steve'] as const) {
      const r = await s.call(who, 'POST', cancel(rg('finance-test'), provisioned));
      expect([r.status, r.json.error.code], who).toEqual([409, 'RoleAssignmentRequestAlreadyProvisioned']);
      expect(r.json.error.message).toMatch(/needed no approval/);
      expect(r.json.error.message).toMatch(/SelfDeactivate/);
    }
  });

  it('decided by an approver: ApprovalAlreadyDecided names who and when', async () => {
    const r = await s.call('jen', 'POST', cancel(SCOPES.prod, approved));
    expect([r.status, r.json.error.code]).toEqual([409, 'ApprovalAlreadyDecided']);
    expect(r.json.error.message).toMatch(/already approved by Avery at \d+ Nov 2026 \d\d:\d\d UTC/);
  });

  it("an administrator canceling someone else's pending request must say why", async () => {
    const r = await s.call('steve', 'POST', cancel(SCOPES.sub, pending), {});
    expect([r.status, r.json.error.code]).toEqual([400, 'JustificationRequired']);
  });

  it('withdraws a pending request: 200 with the canceled request; a second cancel says it was already canceled', async () => {
    const r = await s.call('jen', 'POST', cancel(SCOPES.sub, pending));
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({
      name: pending,
      type: 'Microsoft.Authorization/roleAssignmentScheduleRequests',
      properties: { status: 'Canceled' },
    });
    const again = await s.call('jen', 'POST', cancel(SCOPES.sub, pending));
    expect([again.status, again.json.error.code]).toEqual([409, 'RoleAssignmentRequestAlreadyCanceled']);
    expect(again.json.error.message).toMatch(/already canceled by Jen at/);
    expect(again.json.error.message).not.toMatch(/approv/i);
  });
});
