import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { freshDb } from '@/tests/support/db';
import { deliveryIdle } from '@/lib/notify/deliver';
import { DEMO_SUBSCRIPTION } from '@/db/seed/demo';
import { auditEvents, users } from '@/db/schema';
import { ROLE_IDS, canDecide } from '@/lib/policy';
import { verifyPassword } from '@/lib/crypto/password';
import { isElevateError } from '@/lib/errors';
import { policyIndex } from '@/lib/tenant/engine';
import { getRoleSettings } from '@/lib/settings';
import { createGroup, listMembersPage, setMembership } from '@/lib/groups';
import { createUser, listUsersPage, resetMfa, resetPassword, setUserDisabled } from '.';

const financeDev = `${DEMO_SUBSCRIPTION.toLowerCase()}/resourcegroups/finance-dev`;
let t: ReturnType<typeof freshDb>;
beforeEach(() => {
  t = freshDb();
});
afterEach(async () => {
  await deliveryIdle();
  t.close();
});
const actor = (id: string) => t.db.select().from(users).where(eq(users.id, id)).get()!;
const n = () =>
  t.db
    .select({ n: sql<number>`count(*)` })
    .from(users)
    .get()!.n;

describe('delegated approver accounts', () => {
  it('creates Quinn with a generated password shown once, first sign-in duties, and names them approver', async () => {
    const { user, initialPassword } = createUser(
      t.db,
      actor(t.ids.steve),
      { displayName: 'Quinn', email: 'Quinn@BlueWidget.test', approverOn: [{ scopeId: financeDev, roleId: ROLE_IDS.owner }] },
      t.now,
    );
    expect(initialPassword.length).toBeGreaterThanOrEqual(12);
    expect(user.email).toBe('quinn@bluewidget.test');
    expect(user.mustChangePassword && user.mustEnrolMfa).toBe(true);
    expect(await verifyPassword(user.passwordHash, initialPassword)).toBe(true);
    const s = getRoleSettings(t.db, financeDev, ROLE_IDS.owner);
    expect(s.settings.approvalRequired).toBe(true);
    expect(s.settings.approvers).toEqual([{ type: 'User', id: user.id }]);
    // the audit never holds the password
    expect(
      t.db
        .select()
        .from(auditEvents)
        .all()
        .some((e) => JSON.stringify(e).includes(initialPassword)),
    ).toBe(false);
    const fake = {
      id: 'r',
      kind: 'assignment' as const,
      requestType: 'SelfActivate' as const,
      status: 'PendingApproval' as const,
      requesterId: t.ids.jen,
      principal: { type: 'User' as const, id: t.ids.jen },
      roleId: ROLE_IDS.owner,
      scopeId: financeDev,
      startAt: t.now,
      endAt: t.now + 1,
      createdAt: t.now,
      approvalDeadline: t.now + 1e6,
      approvers: [{ type: 'User' as const, id: user.id }],
      linkedEligibilityId: null,
      targetScheduleId: null,
    };
    expect(canDecide(policyIndex(t.db), user.id, fake, t.now).allowed).toBe(true);
  });

  it('field errors for a taken e-mail and a short typed password; Jen is refused; nothing written', () => {
    const before = n();
    let err: unknown;
    try {
      createUser(t.db, actor(t.ids.steve), { displayName: 'X', email: 'jen@bluewidget.test', initialPassword: 'short' }, t.now);
    } catch (e) {
      err = e;
    }
    expect(isElevateError(err) && err.fieldErrors).toMatchObject({
      email: [expect.stringMatching(/already exists/)],
      initialPassword: [expect.stringMatching(/12 characters/)],
    });
    expect(() => createUser(t.db, actor(t.ids.jen), { displayName: 'Y', email: 'y@bluewidget.test' }, t.now)).toThrow(/PIM administrators/);
    // the approver part fails (Steve has no access to a made-up scope) → the user is not created either
    expect(() =>
      createUser(
        t.db,
        actor(t.ids.steve),
        { displayName: 'Z', email: 'z@bluewidget.test', approverOn: [{ scopeId: '/subscriptions/none', roleId: ROLE_IDS.owner }] },
        t.now,
      ),
    ).toThrow();
    expect(n()).toBe(before);
  });

  it('a made-up scope or role among approver duties is a clear field error, and no account is created', () => {
    const before = n();
    for (const approverOn of [
      [{ scopeId: '/subscriptions/none', roleId: ROLE_IDS.owner }],
      [{ scopeId: financeDev, roleId: 'no-such-role' }],
    ]) {
      let err: unknown;
      try {
        createUser(t.db, actor(t.ids.steve), { displayName: 'Z', email: 'z@bluewidget.test', approverOn }, t.now);
      } catch (e) {
        err = e;
      }
      expect(isElevateError(err) && err.code).toBe('InvalidRequest');
      expect(isElevateError(err) && err.fieldErrors?.approverOn?.[0]).toMatch(/does not exist/);
    }
    expect(n()).toBe(before);
  });

  it('disable, enable, reset password and reset MFA end existing sessions', () => {
    const v0 = actor(t.ids.sam).sessionVersion;
    setUserDisabled(t.db, actor(t.ids.steve), t.ids.sam, true, t.now, 'Left the company');
    expect(actor(t.ids.sam).disabled).toBe(true);
    expect(policyIndex(t.db).users.get(t.ids.sam)?.disabled).toBe(true);
    setUserDisabled(t.db, actor(t.ids.steve), t.ids.sam, false, t.now);
    const { initialPassword } = resetPassword(t.db, actor(t.ids.steve), t.ids.sam, t.now);
    expect(initialPassword).toBeTruthy();
    resetMfa(t.db, actor(t.ids.steve), t.ids.sam, t.now);
    const sam = actor(t.ids.sam);
    expect(sam.sessionVersion).toBe(v0 + 4);
    expect(sam.mustChangePassword && sam.mustEnrolMfa).toBe(true);
    expect(sam.totpSecretEnc).toBeNull();
    expect(() => setUserDisabled(t.db, actor(t.ids.steve), t.ids.steve, true, t.now, 'x')).toThrow(/your own account/);
    // taking access away is deliberate: no justification, no change
    expect(() => setUserDisabled(t.db, actor(t.ids.steve), t.ids.jen, true, t.now)).toThrow(/Say why/);
    expect(actor(t.ids.jen).disabled).toBe(false);
    expect(t.db.select().from(auditEvents).where(eq(auditEvents.action, 'User disabled')).get()?.justification).toBe('Left the company');
    expect(() => resetMfa(t.db, actor(t.ids.jen), t.ids.sam, t.now)).toThrow(/PIM administrators/);
    expect(JSON.stringify(listUsersPage(t.db))).not.toMatch(/passwordHash|totpSecretEnc|argon2/);
  });
});

describe('groups', () => {
  it('creates a group and manages membership; only PIM admins may', () => {
    const g = createGroup(t.db, actor(t.ids.steve), { name: 'Finance approvers' }, t.now);
    setMembership(t.db, actor(t.ids.steve), { groupId: g.id, userId: t.ids.avery, member: true }, t.now);
    expect(listMembersPage(t.db, g.id).rows.map((m) => m.displayName)).toEqual(['Avery']);
    expect(policyIndex(t.db).groupsByUser.get(t.ids.avery)?.has(g.id)).toBe(true);
    expect(() => setMembership(t.db, actor(t.ids.steve), { groupId: g.id, userId: t.ids.avery, member: true }, t.now)).toThrow(/already/);
    expect(() => createGroup(t.db, actor(t.ids.jen), { name: 'Mine' }, t.now)).toThrow(/PIM administrators/);
    expect(() => createGroup(t.db, actor(t.ids.steve), { name: 'finance APPROVERS' }, t.now)).toThrow(/already exists/);
    expect(() => setMembership(t.db, actor(t.ids.steve), { groupId: g.id, userId: t.ids.avery, member: false }, t.now)).toThrow(/Say why/);
    expect(listMembersPage(t.db, g.id).rows.map((m) => m.displayName)).toEqual(['Avery']);
    setMembership(t.db, actor(t.ids.steve), { groupId: g.id, userId: t.ids.avery, member: false, justification: 'Moved team' }, t.now);
    expect(listMembersPage(t.db, g.id).rows).toEqual([]);
  });
});
