import { afterEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { freshDb } from '@/tests/support/db';
import { eligibilitySchedules, requests, users } from '@/db/schema';
import { DEMO_SUBSCRIPTION } from '@/db/seed/demo';
import { ROLE_IDS } from '@/lib/policy';
import { createContext } from './context';
import { eligibilityScheduleToArm, requestToArm } from './mappers';
import { parseArmPath } from './path';

let t: ReturnType<typeof freshDb>;
afterEach(() => t?.close());

function ctxAt(scopeArm: string, who: 'steve' | 'jen') {
  const user = t.db.select().from(users).where(eq(users.id, t.ids[who])).get()!;
  const route = parseArmPath(`${scopeArm}/providers/Microsoft.Authorization/roleEligibilitySchedules`);
  const url = new URL(`https://elevate.test${scopeArm}/providers/Microsoft.Authorization/roleEligibilitySchedules?api-version=2020-10-01`);
  return createContext(t.db, user, null, route, { method: 'GET', url, origin: 'https://elevate.test' }, t.now);
}

describe('ARM mappers', () => {
  it('a seeded AdminAssign request reads as Azure would write it', () => {
    t = freshDb();
    const row = t.db.select().from(requests).where(eq(requests.principalId, t.ids.jen)).get()!;
    const arm = requestToArm(ctxAt(DEMO_SUBSCRIPTION, 'steve'), row);
    expect(arm.id).toBe(`${DEMO_SUBSCRIPTION}/providers/Microsoft.Authorization/roleEligibilityScheduleRequests/${row.id}`);
    expect(arm.type).toBe('Microsoft.Authorization/roleEligibilityScheduleRequests');
    expect(arm.properties).toMatchObject({
      scope: DEMO_SUBSCRIPTION,
      principalType: 'User',
      requestType: 'AdminAssign',
      status: 'Provisioned',
      roleDefinitionId: `${DEMO_SUBSCRIPTION}/providers/Microsoft.Authorization/roleDefinitions/${ROLE_IDS.owner}`,
      scheduleInfo: { startDateTime: new Date(t.now).toISOString(), expiration: { type: 'AfterDateTime', duration: null } },
      targetRoleEligibilityScheduleId: expect.stringMatching(/\/roleEligibilitySchedules\/[0-9a-f-]{36}$/),
      expandedProperties: {
        principal: { displayName: 'Jen', email: 'jen@bluewidget.test' },
        roleDefinition: { displayName: 'Owner', type: 'BuiltInRole' },
        scope: { displayName: 'Blue Widget Co', type: 'subscription' },
      },
    });
    expect(arm.properties).not.toHaveProperty('approvalId');
  });

  it('memberType is Direct at the assignment scope and Inherited below it, keeping original casing in ids', () => {
    t = freshDb();
    const row = t.db.select().from(eligibilitySchedules).where(eq(eligibilitySchedules.principalId, t.ids.jen)).get()!;
    const atSub = eligibilityScheduleToArm(ctxAt(DEMO_SUBSCRIPTION, 'jen'), row, 'schedule');
    expect(atSub.properties.memberType).toBe('Direct');
    expect(atSub.properties.status).toBe('Provisioned');
    const below = eligibilityScheduleToArm(
      ctxAt(`${DEMO_SUBSCRIPTION.toUpperCase().replace('SUBSCRIPTIONS', 'subscriptions')}/resourceGroups/finance-test`, 'jen'),
      row,
      'instance',
    );
    expect(below.properties.memberType).toBe('Inherited');
    expect(below.id.startsWith(`${DEMO_SUBSCRIPTION}/providers/`)).toBe(true);
    expect((below.properties as { roleEligibilityScheduleId?: string }).roleEligibilityScheduleId).toBe(
      `${DEMO_SUBSCRIPTION}/providers/Microsoft.Authorization/roleEligibilitySchedules/${row.id}`,
    );
  });
});
