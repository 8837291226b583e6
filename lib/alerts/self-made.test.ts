import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { freshDb } from '@/tests/support/db';
import { DEMO_SUBSCRIPTION } from '@/db/seed/demo';
import * as s from '@/db/schema';
import { DAY_MS, ROLE_IDS } from '@/lib/policy';
import { submitAdminRequest } from '@/lib/assignments';
import { createGroup, setMembership } from '@/lib/groups';
import { deliveryIdle } from '@/lib/notify/deliver';
import { alertsFor, alertStats, forgetAlerts } from '.';

/**
 * The alert for assignments an administrator made for themselves (rule 10, data from
 * before it): found by SQL over the partial indexes of migration 0010 when nothing is kept,
 * then kept and patched per change like the other alerts (ADR 045).
 */

let t: ReturnType<typeof freshDb>;
beforeEach(() => {
  t = freshDb();
  forgetAlerts();
});
afterEach(async () => {
  await deliveryIdle();
  t.close();
});

const sub = DEMO_SUBSCRIPTION.toLowerCase();
const prod = `${sub}/resourcegroups/finance-prod`;
const user = (id: string) => t.db.select().from(s.users).where(eq(s.users.id, id)).get()!;
const selfMade = (userId = t.ids.steve, now = t.now) =>
  alertsFor(t.db, userId, now, { limit: 1000 }).items.filter((a) => a.alert.type === 'self-made-assignment');
/** Data from before rule 10: a schedule written straight into the table, as older versions let admins make them. */
function legacy(
  id: string,
  kind: 'eligible' | 'active',
  principal: { type: 'User' | 'Group'; id: string },
  roleId: string,
  scopeId: string,
  createdBy: string,
  endAt: number | null,
) {
  const table = kind === 'eligible' ? 'eligibility_schedules' : 'assignment_schedules';
  t.db.run(sql`INSERT INTO ${sql.raw(table)} (id, principal_type, principal_id, role_id, scope_id, start_at, end_at, created_at, created_by,
      updated_at${sql.raw(kind === 'active' ? ', origin' : '')})
    VALUES (${id}, ${principal.type}, ${principal.id}, ${roleId}, ${scopeId}, ${t.now - DAY_MS}, ${endAt}, ${t.now - DAY_MS}, ${createdBy},
      ${t.now - DAY_MS}${kind === 'active' ? sql`, 'assigned'` : sql``})`);
}

describe('assignments admins made for themselves', () => {
  it("Steve's permanent User Access Administrator, made by himself before the rule: high, named, with a fix link; not Jen's business", () => {
    // the demo's own standing access came with the tenant: nothing to report
    expect(selfMade()).toEqual([]);
    legacy('steve-uaa', 'active', { type: 'User', id: t.ids.steve }, ROLE_IDS.userAccessAdministrator, sub, t.ids.steve, null);
    t.db.run(sql`UPDATE tenant_revision SET revision = revision + 1 WHERE id = 1`);
    const [a] = selfMade();
    expect(a).toMatchObject({ severity: 'high', alert: { scopeId: sub, roleId: ROLE_IDS.userAccessAdministrator } });
    expect(a.title).toBe('User Access Administrator on Tenant › Blue Widget Co: an assignment an administrator made for themselves');
    expect(a.detail).toEqual(['Steve Admin made an active User Access Administrator assignment for themselves (permanent)']);
    expect(a.fixHref).toBe(
      `/admin/scope?id=${encodeURIComponent(sub)}&tab=assignments&tab2=active&role=${ROLE_IDS.userAccessAdministrator}`,
    );
    expect(selfMade().length).toBe(1);
    // activations are their holder's own doing, and what Steve made for others is not his own
    expect(alertsFor(t.db, t.ids.jen, t.now).items).toEqual([]);
  });

  it('through a group the creator is a member of (membership now), patched per change without reading everything again', () => {
    const steve = user(t.ids.steve);
    const g = createGroup(t.db, steve, { name: 'Finance ops' }, t.now);
    setMembership(t.db, steve, { groupId: g.id, userId: t.ids.jen, member: true }, t.now);
    selfMade();
    const reads = alertStats.selfReads;
    // Jen made her group eligible for Owner on finance-prod, back when nothing refused it; it ends in 2 days
    legacy('ops-owner', 'eligible', { type: 'Group', id: g.id }, ROLE_IDS.owner, prod, t.ids.jen, t.now + 2 * DAY_MS);
    // and one Steve made for the group before he left it: not his access now
    legacy('ops-reader', 'active', { type: 'Group', id: g.id }, ROLE_IDS.reader, prod, t.ids.steve, null);
    t.db.run(sql`UPDATE tenant_revision SET revision = revision + 1 WHERE id = 1`);
    const patches = alertStats.selfPatches;
    const ops = selfMade().find((a) => a.alert.scopeId === prod)!;
    expect(ops.alert.roleId).toBe(ROLE_IDS.owner);
    expect(ops.title).toBe('Owner on Tenant › Blue Widget Co › finance-prod: an assignment an administrator made for themselves');
    expect(ops.detail).toEqual([
      'Jen made an eligible Owner assignment for group Finance ops, which they are a member of (until 29 Nov 2026 09:00 UTC)',
    ]);
    expect(ops.fixHref).toContain('tab=assignments&tab2=eligible');
    expect([alertStats.selfReads, alertStats.selfPatches]).toEqual([reads, patches + 1]);
    // more views read what is kept
    selfMade();
    alertsFor(t.db, t.ids.steve, t.now, { within: prod });
    expect([alertStats.selfReads, alertStats.selfPatches]).toEqual([reads, patches + 1]);

    // Jen leaves the group: the group's schedules are read again (by group), the alert goes
    setMembership(t.db, steve, { groupId: g.id, userId: t.ids.jen, member: false, justification: 'Moved team' }, t.now);
    expect(selfMade().some((a) => a.alert.scopeId === prod)).toBe(false);
    expect(alertStats.selfReads).toBe(reads);
  });

  it('goes when the assignment is removed, or when it ends, without a write', () => {
    const steve = user(t.ids.steve);
    legacy('avery-owner', 'eligible', { type: 'User', id: t.ids.avery }, ROLE_IDS.owner, prod, t.ids.avery, t.now + DAY_MS);
    legacy('sam-owner', 'active', { type: 'User', id: t.ids.sam }, ROLE_IDS.owner, prod, t.ids.sam, t.now + 30 * DAY_MS);
    t.db.run(sql`UPDATE tenant_revision SET revision = revision + 1 WHERE id = 1`);
    const owners = selfMade().find((a) => a.alert.scopeId === prod)!;
    expect(owners.title).toMatch(/: 2 assignments administrators made for themselves$/);
    expect(owners.detail).toEqual([
      'Avery made an eligible Owner assignment for themselves (until 28 Nov 2026 09:00 UTC)',
      'Sam made an active Owner assignment for themselves (until 27 Dec 2026 09:00 UTC)',
    ]);
    // Steve removes Sam's: the change log names the schedule, which is read again
    submitAdminRequest(
      t.db,
      steve,
      {
        requestType: 'AdminRemove',
        kind: 'active',
        principal: { type: 'User', id: t.ids.sam },
        roleId: ROLE_IDS.owner,
        scopeId: prod,
        startAt: t.now,
        endAt: t.now,
        justification: 'Made for himself',
        targetScheduleId: 'sam-owner',
      },
      t.now,
    );
    expect(selfMade().find((a) => a.alert.scopeId === prod)!.detail).toHaveLength(1);
    // a day later Avery's has ended: nothing was written, the alert is gone
    expect(selfMade(t.ids.steve, t.now + DAY_MS).some((a) => a.alert.scopeId === prod)).toBe(false);
  });
});
