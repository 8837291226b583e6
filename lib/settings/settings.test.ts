import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { freshDb } from '@/tests/support/db';
import { DEMO_SUBSCRIPTION } from '@/db/seed/demo';
import { auditEvents, eligibilitySchedules, roleSettings, users } from '@/db/schema';
import { DEFAULT_SETTINGS, ROLE_IDS } from '@/lib/policy';
import { isElevateError } from '@/lib/errors';
import { eq } from 'drizzle-orm';
import { getRoleSettings, saveRoleSettings, weakerChildrenOf } from '.';

const sub = DEMO_SUBSCRIPTION.toLowerCase();
const financeDev = `${sub}/resourcegroups/finance-dev`;
let t: ReturnType<typeof freshDb>;
beforeEach(() => { t = freshDb(); });
afterEach(() => t.close());
const actor = (id: string) => t.db.select().from(users).where(eq(users.id, id)).get()!;
const n = (table: typeof auditEvents | typeof roleSettings) => t.db.select({ n: sql<number>`count(*)` }).from(table).get()!.n;

describe('role settings', () => {
  it('defaults are visible and not explicit for finance-dev Owner', () => {
    const r = getRoleSettings(t.db, financeDev, ROLE_IDS.owner);
    expect(r.explicit).toBe(false);
    expect(r.settings.activationMaxMinutes).toBe(480);
  });

  it('Owner @ finance-dev requiring Avery: stored explicitly, audited with a diff, VMs listed as weaker children', () => {
    saveRoleSettings(t.db, actor(t.ids.steve), { scopeId: financeDev, roleId: ROLE_IDS.owner, settings: { ...DEFAULT_SETTINGS, approvalRequired: true, approvers: [{ type: 'User', id: t.ids.avery }] } }, t.now);
    const r = getRoleSettings(t.db, financeDev, ROLE_IDS.owner);
    expect(r.explicit).toBe(true);
    expect(r.settings.approvers).toEqual([{ type: 'User', id: t.ids.avery }]);
    const weak = weakerChildrenOf(t.db, financeDev, ROLE_IDS.owner).map((w) => w.scopeId);
    expect(weak).toEqual(expect.arrayContaining([`${financeDev}/providers/microsoft.compute/virtualmachines/finance-dev-vm1`, `${financeDev}/providers/microsoft.compute/virtualmachines/finance-dev-vm2`]));
    const last = t.db.select().from(auditEvents).orderBy(sql`seq desc`).get()!;
    expect(last.action).toBe('Role settings updated');
    expect(JSON.parse(last.details).changes.approvalRequired).toEqual([false, true]);
  });

  it('applying to children removes the weaker children and leaves assignments alone', () => {
    const schedules = t.db.select().from(eligibilitySchedules).all();
    const res = saveRoleSettings(t.db, actor(t.ids.steve), { scopeId: financeDev, roleId: ROLE_IDS.owner, applyToChildren: true, settings: { ...DEFAULT_SETTINGS, approvalRequired: true, approvers: [] } }, t.now);
    expect(res.scopeIds).toHaveLength(3);
    expect(weakerChildrenOf(t.db, financeDev, ROLE_IDS.owner)).toEqual([]);
    expect(t.db.select().from(eligibilitySchedules).all()).toEqual(schedules);
  });

  it('refuses Jen and out-of-range values without writing', () => {
    const before = [n(auditEvents), n(roleSettings)];
    let err: unknown;
    try { saveRoleSettings(t.db, actor(t.ids.jen), { scopeId: financeDev, roleId: ROLE_IDS.owner, settings: { ...DEFAULT_SETTINGS } }, t.now); } catch (e) { err = e; }
    expect(isElevateError(err) && err.code).toBe('AuthorizationFailed');
    try { saveRoleSettings(t.db, actor(t.ids.steve), { scopeId: financeDev, roleId: ROLE_IDS.owner, settings: { ...DEFAULT_SETTINGS, activationMaxMinutes: 5000 } }, t.now); } catch (e) { err = e; }
    expect(isElevateError(err) && err.fieldErrors?.activationMaxMinutes?.[0]).toMatch(/between 30 minutes and 24 h/);
    expect([n(auditEvents), n(roleSettings)]).toEqual(before);
  });
});
