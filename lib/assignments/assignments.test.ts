import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { freshDb } from '@/tests/support/db';
import { deliveryIdle } from '@/lib/notify/deliver';
import { DEMO_SUBSCRIPTION } from '@/db/seed/demo';
import { auditEvents, eligibilitySchedules, emailOutbox, notifications, requests, users } from '@/db/schema';
import { ROLE_IDS } from '@/lib/policy';
import { isElevateError } from '@/lib/errors';
import { getRoleSettings, saveRoleSettings } from '@/lib/settings';
import { assignmentsAt, submitAdminRequest, validateAdminRequest } from '.';

const DAY = 86_400_000;
const sub = DEMO_SUBSCRIPTION.toLowerCase();
const financeDev = `${sub}/resourcegroups/finance-dev`;

let t: ReturnType<typeof freshDb>;
const user = (id: string) => t.db.select().from(users).where(eq(users.id, id)).get()!;
const count = (table: typeof auditEvents | typeof requests | typeof eligibilitySchedules) =>
  t.db
    .select({ n: sql<number>`count(*)` })
    .from(table)
    .get()!.n;

beforeEach(() => {
  t = freshDb();
});
afterEach(async () => {
  await deliveryIdle();
  t.close();
});

const jenContributor = () => ({
  requestType: 'AdminAssign' as const,
  kind: 'eligible' as const,
  principal: { type: 'User' as const, id: t.ids.jen },
  roleId: ROLE_IDS.contributor,
  scopeId: financeDev,
  startAt: t.now,
  endAt: t.now + 30 * DAY,
  justification: 'Quarter close',
});

describe('submitAdminRequest', () => {
  it('makes Jen eligible for Contributor on finance-dev, audited and notified, visible below it', () => {
    const { request, scheduleId } = submitAdminRequest(t.db, user(t.ids.steve), jenContributor(), t.now);
    expect(request.status).toBe('Provisioned');
    expect(scheduleId).toBeTruthy();
    const rows = assignmentsAt(t.db, `${financeDev}/providers/microsoft.compute/virtualmachines/finance-dev-vm1`, t.now, {
      tab: 'eligible',
    });
    const mine = rows.find((r) => r.schedule.id === scheduleId)!;
    expect(mine.inherited).toBe(true);
    expect(mine.fromScopeId).toBe(financeDev);
    const audit = t.db.select().from(auditEvents).where(eq(auditEvents.requestId, request.id)).get()!;
    expect(audit.action).toBe('Eligible assignment added');
    expect(audit.justification).toBe('Quarter close');
    const notes = t.db.select().from(notifications).where(eq(notifications.userId, t.ids.jen)).all();
    expect(notes.some((n) => n.title.includes('eligible Contributor'))).toBe(true);
  });

  it('hands the e-mail it queued to delivery at once (without SMTP it is filed in the outbox, not left queued)', async () => {
    const { request } = submitAdminRequest(t.db, user(t.ids.steve), jenContributor(), t.now);
    await deliveryIdle();
    const mails = t.db.select().from(emailOutbox).where(eq(emailOutbox.requestId, request.id)).all();
    expect(mails.length).toBeGreaterThan(0);
    expect(mails.map((m) => m.status)).not.toContain('queued');
  });

  it('refuses Jen (no management access) and writes nothing', () => {
    const before = [count(auditEvents), count(requests), count(eligibilitySchedules)];
    let err: unknown;
    try {
      submitAdminRequest(t.db, user(t.ids.jen), { ...jenContributor(), principal: { type: 'User', id: t.ids.sam } }, t.now);
    } catch (e) {
      err = e;
    }
    expect(isElevateError(err) && err.code).toBe('AuthorizationFailed');
    expect((err as Error).message).toMatch(/PIM management access/);
    expect([count(auditEvents), count(requests), count(eligibilitySchedules)]).toEqual(before);
  });

  it('enforces the settings: permanent not allowed, window too long, field by field', () => {
    const r = validateAdminRequest(t.db, user(t.ids.steve), { ...jenContributor(), endAt: null }, t.now);
    expect(r.ok).toBe(false);
    let err: unknown;
    try {
      submitAdminRequest(t.db, user(t.ids.steve), { ...jenContributor(), endAt: t.now + 400 * DAY }, t.now);
    } catch (e) {
      err = e;
    }
    expect(isElevateError(err) && err.fieldErrors?.endAt?.[0]).toMatch(/at most 365 days/);
  });

  it('refuses an overlapping second assignment, then removes, and renews within 30 days', () => {
    const first = submitAdminRequest(t.db, user(t.ids.steve), jenContributor(), t.now);
    expect(() => submitAdminRequest(t.db, user(t.ids.steve), jenContributor(), t.now)).toThrow(/overlapping/);
    submitAdminRequest(
      t.db,
      user(t.ids.steve),
      { ...jenContributor(), requestType: 'AdminRemove', targetScheduleId: first.scheduleId!, justification: 'done' },
      t.now + DAY,
    );
    const expired = assignmentsAt(t.db, financeDev, t.now + 2 * DAY, { tab: 'expired' });
    expect(expired.find((a) => a.schedule.id === first.scheduleId)?.status).toBe('Revoked');
    expect(expired.find((a) => a.schedule.id === first.scheduleId)?.canRenew).toBe(true);
    const renewed = submitAdminRequest(
      t.db,
      user(t.ids.steve),
      {
        ...jenContributor(),
        requestType: 'AdminRenew',
        targetScheduleId: first.scheduleId!,
        startAt: t.now + 2 * DAY,
        endAt: t.now + 20 * DAY,
      },
      t.now + 2 * DAY,
    );
    expect(renewed.scheduleId).not.toBe(first.scheduleId);
    expect(assignmentsAt(t.db, financeDev, t.now + 3 * DAY, { tab: 'eligible' }).some((a) => a.schedule.id === renewed.scheduleId)).toBe(
      true,
    );
  });

  it("e-mails the settings' additional recipients about an assignment at the scope", () => {
    const settings = getRoleSettings(t.db, financeDev, ROLE_IDS.contributor).settings;
    saveRoleSettings(
      t.db,
      user(t.ids.steve),
      {
        scopeId: financeDev,
        roleId: ROLE_IDS.contributor,
        settings: { ...settings, notifications: { ...settings.notifications, additionalRecipients: ['secops@bluewidget.test'] } },
      },
      t.now,
    );
    const { request } = submitAdminRequest(t.db, user(t.ids.steve), jenContributor(), t.now);
    const to = t.db
      .select()
      .from(emailOutbox)
      .where(eq(emailOutbox.requestId, request.id))
      .all()
      .map((m) => m.to);
    expect(to).toContain('secops@bluewidget.test');
  });

  it('active assignments need a justification by default', () => {
    expect(() => submitAdminRequest(t.db, user(t.ids.steve), { ...jenContributor(), kind: 'active', justification: '' }, t.now)).toThrow();
    const v = validateAdminRequest(t.db, user(t.ids.steve), { ...jenContributor(), kind: 'active', justification: '' }, t.now);
    expect(v.ok).toBe(false);
    expect(v.messages.join(' ')).toMatch(/justification is required/i);
  });
});
