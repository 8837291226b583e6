import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { freshDb } from '@/tests/support/db';
import { DEMO_SUBSCRIPTION } from '@/db/seed/demo';
import { users } from '@/db/schema';
import { alerts, DAY_MS, DEFAULT_SETTINGS, isAncestorOrSelf, ROLE_IDS, type Alert } from '@/lib/policy';
import { policyIndex } from '@/lib/tenant/engine';
import { saveRoleSettings } from '@/lib/settings';
import { addSchedules, loadGenerated } from '@/lib/resources/test-support';
import { alertsFor, alertStats, forgetAlerts } from '.';

let t: ReturnType<typeof freshDb>;
beforeEach(() => {
  t = freshDb();
  forgetAlerts();
});
afterEach(() => t.close());

const sub = DEMO_SUBSCRIPTION.toLowerCase();
const keyOf = (a: Alert) => `${a.type}|${a.scopeId}|${a.roleId}`;
/** the engine's alerts() walks the index, which knows no creators: the self-made ones are compared on their own */
const ofEngine = (a: Alert) => a.type !== 'self-made-assignment';
const actor = (id: string) => t.db.select().from(users).where(eq(users.id, id)).get()!;
const everything = (userId: string, now = t.now, within?: string) => alertsFor(t.db, userId, now, { limit: 100_000, within });

describe('alerts', () => {
  it('Steve sees the permanent UAA and the weaker children of Owner on the subscription, each with a fix link; Jen sees none', () => {
    const list = everything(t.ids.steve).items;
    const perm = list.find((a) => a.alert.type === 'permanent-privileged-active')!;
    expect(perm.title).toMatch(/User Access Administrator held as a permanent active assignment on Tenant › Blue Widget Co/);
    expect(perm.fixHref).toContain('/admin/scope?id=');
    const weak = list.find((a) => a.alert.type === 'weaker-child-settings' && a.alert.scopeId === sub)!;
    expect(weak.alert.roleId).toBe(ROLE_IDS.owner);
    expect(weak.detail.join(' ')).toMatch(/approval is not required on .*finance-dev/);
    expect(weak.fixHref).toContain('tab=settings');
    // worst first
    expect(list[0].severity).toBe('high');
    expect(everything(t.ids.jen)).toEqual({ items: [], total: 0, high: 0 });
  });

  it('are computed once per change: views read the kept scan, which equals a fresh computation', () => {
    loadGenerated(t, { resources: 3000, schedules: 3000, settings: 600, users: 100, groups: 10 });
    const before = alertStats.scans;
    const page = everything(t.ids.steve);
    const fresh = alerts(policyIndex(t.db), t.now);
    expect(
      page.items
        .map((a) => a.alert)
        .filter(ofEngine)
        .map(keyOf)
        .sort(),
    ).toEqual(fresh.map(keyOf).sort());
    expect(page.total).toBe(fresh.length + page.items.filter((a) => !ofEngine(a.alert)).length);
    // another view, another page, another scope: no new scan
    alertsFor(t.db, t.ids.steve, t.now, { offset: 10, limit: 10 });
    const root = '/providers/microsoft.management/managementgroups/root';
    const within = everything(t.ids.steve, t.now, root);
    expect(alertStats.scans).toBe(before + 1);
    const index = policyIndex(t.db);
    expect(
      within.items
        .map((a) => a.alert)
        .filter(ofEngine)
        .map(keyOf)
        .sort(),
    ).toEqual(
      fresh
        .filter((a) => isAncestorOrSelf(index, root, a.scopeId))
        .map(keyOf)
        .sort(),
    );
    // pages partition the list
    const pages = [0, 1, 2, 3].flatMap((i) =>
      alertsFor(t.db, t.ids.steve, t.now, { offset: i * 25, limit: 25 }).items.map((a) => keyOf(a.alert)),
    );
    expect(pages).toEqual(page.items.slice(0, 100).map((a) => keyOf(a.alert)));
  });

  it('change after a relevant write, and once a counted assignment ends', () => {
    const financeTest = `${sub}/resourcegroups/finance-test`;
    const first = everything(t.ids.steve);
    expect(first.items.some((a) => a.alert.type === 'weaker-child-settings' && a.alert.scopeId === financeTest)).toBe(false);
    saveRoleSettings(
      t.db,
      actor(t.ids.steve),
      { scopeId: financeTest, roleId: ROLE_IDS.owner, settings: { ...DEFAULT_SETTINGS, approvalRequired: true, approvers: [] } },
      t.now,
    );
    const scans = alertStats.scans;
    const second = everything(t.ids.steve);
    expect(alertStats.scans).toBe(scans + 1);
    const weak = second.items.find((a) => a.alert.type === 'weaker-child-settings' && a.alert.scopeId === financeTest)!;
    expect(weak.alert.weakerCount).toBe(2);
    expect(second.total).toBe(first.total + 1);

    // four owners on finance-test, one of them for a day only: an alert until that day ends
    const owner = (id: string, endAt: number | null) => ({
      id,
      kind: 'eligible' as const,
      principal: { type: 'User' as const, id },
      roleId: ROLE_IDS.owner,
      scopeId: financeTest,
      startAt: t.now - DAY_MS,
      endAt,
      revokedAt: null,
      origin: 'assigned' as const,
      linkedEligibilityId: null,
    });
    addSchedules(t, [owner(t.ids.avery, t.now + DAY_MS), owner(t.ids.sam, null), owner(t.ids.steve, null), owner(t.ids.jen, null)]);
    const [scansBefore, patchesBefore] = [alertStats.scans, alertStats.patches];
    const crowded = everything(t.ids.steve);
    expect(crowded.items.some((a) => a.alert.type === 'too-many-owners' && a.alert.scopeId === financeTest)).toBe(true);
    // schedules changed at one scope: that scope was looked at again, not the tenant
    expect([alertStats.scans, alertStats.patches]).toEqual([scansBefore, patchesBefore + 1]);
    expect(
      crowded.items
        .map((a) => a.alert)
        .filter(ofEngine)
        .map(keyOf)
        .sort(),
    ).toEqual(alerts(policyIndex(t.db), t.now).map(keyOf).sort());
    // no write, but Avery's day is over: the kept alerts are not used past it
    const later = everything(t.ids.steve, t.now + 2 * DAY_MS);
    expect(later.items.some((a) => a.alert.type === 'too-many-owners' && a.alert.scopeId === financeTest)).toBe(false);
    expect(
      later.items
        .map((a) => a.alert)
        .filter(ofEngine)
        .map(keyOf)
        .sort(),
    ).toEqual(
      alerts(policyIndex(t.db), t.now + 2 * DAY_MS)
        .map(keyOf)
        .sort(),
    );
    expect(alertStats.scans).toBe(scansBefore);
  });

  it('show a resource administrator only the alerts under the scopes they administer', () => {
    const financeDev = `${sub}/resourcegroups/finance-dev`;
    // Sam becomes an active User Access Administrator of finance-dev
    addSchedules(t, [
      {
        id: 'sam-uaa',
        kind: 'active',
        principal: { type: 'User', id: t.ids.sam },
        roleId: ROLE_IDS.userAccessAdministrator,
        scopeId: financeDev,
        startAt: t.now - DAY_MS,
        endAt: null,
        revokedAt: null,
        origin: 'assigned',
        linkedEligibilityId: null,
      },
    ]);
    const sams = everything(t.ids.sam).items;
    expect(sams.length).toBeGreaterThan(0);
    expect(sams.every((a) => isAncestorOrSelf(policyIndex(t.db), financeDev, a.alert.scopeId))).toBe(true);
    expect(sams.some((a) => a.alert.type === 'permanent-privileged-active' && a.alert.scopeId === financeDev)).toBe(true);
    // the subscription's alerts are not Sam's business
    expect(alertsFor(t.db, t.ids.sam, t.now, { within: sub }).items).toEqual([]);
  });
});
