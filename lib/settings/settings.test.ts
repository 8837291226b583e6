import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { freshDb } from '@/tests/support/db';
import { DEMO_SUBSCRIPTION } from '@/db/seed/demo';
import { auditEvents, eligibilitySchedules, roleSettings, users } from '@/db/schema';
import { DEFAULT_SETTINGS, isAncestorOrSelf, ROLE_IDS, settingsFor, weakerChildren } from '@/lib/policy';
import { policyIndex } from '@/lib/tenant/engine';
import { loadGenerated } from '@/lib/resources/test-support';
import { isElevateError } from '@/lib/errors';
import { eq } from 'drizzle-orm';
import { getRoleSettings, saveRoleSettings, weakerChildrenOf, weakerChildrenSql } from '.';

const sub = DEMO_SUBSCRIPTION.toLowerCase();
const financeDev = `${sub}/resourcegroups/finance-dev`;
let t: ReturnType<typeof freshDb>;
beforeEach(() => {
  t = freshDb();
});
afterEach(() => t.close());
const actor = (id: string) => t.db.select().from(users).where(eq(users.id, id)).get()!;
const n = (table: typeof auditEvents | typeof roleSettings) =>
  t.db
    .select({ n: sql<number>`count(*)` })
    .from(table)
    .get()!.n;

describe('role settings', () => {
  it('defaults are visible and not explicit for finance-dev Owner', () => {
    const r = getRoleSettings(t.db, financeDev, ROLE_IDS.owner);
    expect(r.explicit).toBe(false);
    expect(r.settings.activationMaxMinutes).toBe(480);
  });

  it('Owner @ finance-dev requiring Avery: stored explicitly, audited with a diff, VMs listed as weaker children', () => {
    saveRoleSettings(
      t.db,
      actor(t.ids.steve),
      {
        scopeId: financeDev,
        roleId: ROLE_IDS.owner,
        settings: { ...DEFAULT_SETTINGS, approvalRequired: true, approvers: [{ type: 'User', id: t.ids.avery }] },
      },
      t.now,
    );
    const r = getRoleSettings(t.db, financeDev, ROLE_IDS.owner);
    expect(r.explicit).toBe(true);
    expect(r.settings.approvers).toEqual([{ type: 'User', id: t.ids.avery }]);
    const weak = weakerChildrenOf(t.db, financeDev, ROLE_IDS.owner).shown.map((w) => w.scopeId);
    expect(weak).toEqual(
      expect.arrayContaining([
        `${financeDev}/providers/microsoft.compute/virtualmachines/finance-dev-vm1`,
        `${financeDev}/providers/microsoft.compute/virtualmachines/finance-dev-vm2`,
      ]),
    );
    const last = t.db
      .select()
      .from(auditEvents)
      .orderBy(sql`seq desc`)
      .get()!;
    expect(last.action).toBe('Role settings updated');
    expect(JSON.parse(last.details).changes.approvalRequired).toEqual([false, true]);
  });

  it('applying to children removes the weaker children and leaves assignments alone', () => {
    const schedules = t.db.select().from(eligibilitySchedules).all();
    const res = saveRoleSettings(
      t.db,
      actor(t.ids.steve),
      {
        scopeId: financeDev,
        roleId: ROLE_IDS.owner,
        applyToChildren: true,
        settings: { ...DEFAULT_SETTINGS, approvalRequired: true, approvers: [] },
      },
      t.now,
    );
    expect(res).toEqual({ scopeId: financeDev, children: 2 });
    expect(weakerChildrenOf(t.db, financeDev, ROLE_IDS.owner)).toEqual({ total: 0, shown: [] });
    expect(t.db.select().from(eligibilitySchedules).all()).toEqual(schedules);
  });

  it('refuses Jen and out-of-range values without writing', () => {
    const before = [n(auditEvents), n(roleSettings)];
    let err: unknown;
    try {
      saveRoleSettings(t.db, actor(t.ids.jen), { scopeId: financeDev, roleId: ROLE_IDS.owner, settings: { ...DEFAULT_SETTINGS } }, t.now);
    } catch (e) {
      err = e;
    }
    expect(isElevateError(err) && err.code).toBe('AuthorizationFailed');
    try {
      saveRoleSettings(
        t.db,
        actor(t.ids.steve),
        { scopeId: financeDev, roleId: ROLE_IDS.owner, settings: { ...DEFAULT_SETTINGS, activationMaxMinutes: 5000 } },
        t.now,
      );
    } catch (e) {
      err = e;
    }
    expect(isElevateError(err) && err.fieldErrors?.activationMaxMinutes?.[0]).toMatch(/between 30 minutes and 24 h/);
    expect([n(auditEvents), n(roleSettings)]).toEqual(before);
  });
});

describe('weaker children and applying to children at scale', () => {
  const root = '/providers/microsoft.management/managementgroups/root';

  it('the SQL answer equals the engine walking the subtree, for every scope-role with explicit settings', () => {
    loadGenerated(t, { resources: 3000, settings: 600, managedRatio: 0.6 });
    const index = policyIndex(t.db);
    let compared = 0;
    const pairs = [...index.resources.values()].flatMap((n) =>
      [...(n.settings?.keys() ?? [])].map((roleId) => ({ scopeId: n.id, roleId })),
    );
    // and some scopes on the defaults, whose explicit children may be weaker than the defaults
    pairs.push({ scopeId: root, roleId: ROLE_IDS.owner }, { scopeId: root, roleId: ROLE_IDS.reader });
    for (const { scopeId, roleId } of pairs) {
      const walked = weakerChildren(index, scopeId, roleId);
      const fromSql = weakerChildrenSql(t.db, index, scopeId, roleId, 5);
      expect(fromSql.total).toBe(walked.length);
      const byId = new Map(walked.map((w) => [w.scopeId, w]));
      for (const w of fromSql.shown) expect(w).toEqual(byId.get(w.scopeId));
      expect(fromSql.shown.length).toBe(Math.min(5, walked.length));
      compared++;
    }
    expect(compared).toBeGreaterThan(100);
  });

  it('applies to every managed child scope set-based: settings, approvers, one audit event each', () => {
    const snap = loadGenerated(t, { resources: 2000, managedRatio: 1 });
    const sub1 = snap.resources.find((r) => r.kind === 'subscription')!.id;
    const index = policyIndex(t.db);
    const below = [...index.resources.values()]
      .filter((n) => n.id !== sub1 && isAncestorOrSelf(index, sub1, n.id) && n.managed)
      .map((n) => n.id)
      .sort();
    expect(below.length).toBeGreaterThan(20);
    const auditsBefore = n(auditEvents);
    const settings = {
      ...DEFAULT_SETTINGS,
      approvalRequired: true,
      activationMaxMinutes: 120,
      approvers: [{ type: 'User' as const, id: t.ids.avery }],
    };
    const res = saveRoleSettings(
      t.db,
      actor(t.ids.steve),
      { scopeId: sub1, roleId: ROLE_IDS.owner, applyToChildren: true, settings },
      t.now,
    );
    expect(res.children).toBe(below.length);
    expect(n(auditEvents)).toBe(auditsBefore + below.length + 1);
    const after = policyIndex(t.db);
    for (const id of below) {
      const g = settingsFor(after, id, ROLE_IDS.owner);
      expect(g.explicit).toBe(true);
      expect(g.settings).toMatchObject({
        approvalRequired: true,
        activationMaxMinutes: 120,
        approvers: [{ type: 'User', id: t.ids.avery }],
      });
    }
    expect(weakerChildrenOf(t.db, sub1, ROLE_IDS.owner).total).toBe(0);
    // applying again changes nothing but still says so per child, and keeps one approver row each
    saveRoleSettings(t.db, actor(t.ids.steve), { scopeId: sub1, roleId: ROLE_IDS.owner, applyToChildren: true, settings }, t.now);
    const approverRows = t.db.get<{ n: number }>(
      sql`SELECT count(*) AS n FROM role_setting_approvers a JOIN role_settings s ON s.id = a.settings_id WHERE s.role_id = ${ROLE_IDS.owner}`,
    )!.n;
    expect(approverRows).toBeGreaterThanOrEqual(below.length + 1);
    const ids = t.db.all<{ id: string }>(sql`SELECT id FROM role_settings`).map((r) => r.id);
    expect(ids.every((id) => /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(id))).toBe(true);
  });
});
