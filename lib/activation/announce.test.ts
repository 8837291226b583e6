import { afterEach, describe, expect, it, vi } from 'vitest';
import { and, eq } from 'drizzle-orm';
import * as s from '@/db/schema';
import { DEFAULT_SETTINGS, ROLE_IDS } from '@/lib/policy';
import { freshDb } from '@/tests/support/db';
import { submitActivation } from './submit';
import { eligibilityOf, RG, setSettings, user } from './test-support';

// e-mail delivery runs after commit and is lib/notify's concern; what is queued is this test's
vi.mock('@/lib/notify/deliver', () => ({ scheduleDelivery: () => {} }));

let env: ReturnType<typeof freshDb>;
afterEach(() => env?.close());

/**
 * Issue 15: "Admins: activation" and "Requester: activation" were read by nothing. An
 * activation now tells the scope's administrators (in the app), the settings' additional
 * recipients (e-mail) and the requester (e-mail), each as its setting says.
 */
describe('an activation is announced as its notification settings say', () => {
  function activate(patch: Partial<typeof DEFAULT_SETTINGS.notifications>) {
    env = freshDb();
    const { db, ids, now } = env;
    setSettings(db, RG('finance-test'), ROLE_IDS.owner, { notifications: { ...DEFAULT_SETTINGS.notifications, ...patch } }, now - 1);
    const jen = user(db, ids.jen);
    const [r] = submitActivation(
      db,
      jen,
      {
        durationMinutes: 60,
        justification: 'Deploy',
        eligibilityId: eligibilityOf(db, ids.jen).id,
        scopeIds: [RG('finance-test')],
        mfaVerifiedAt: now,
      },
      now,
    ).requests;
    const mails = db
      .select()
      .from(s.emailOutbox)
      .where(eq(s.emailOutbox.requestId, r.requestId))
      .all()
      .map((m) => m.to)
      .sort();
    const steve = db
      .select()
      .from(s.notifications)
      .where(and(eq(s.notifications.userId, ids.steve), eq(s.notifications.requestId, r.requestId)))
      .all();
    const jenNotes = db
      .select()
      .from(s.notifications)
      .where(and(eq(s.notifications.userId, ids.jen), eq(s.notifications.requestId, r.requestId)))
      .all();
    return { mails, steve, jenNotes };
  }

  it('by default: the administrators in the app, the requester and the additional recipients by e-mail', () => {
    const { mails, steve, jenNotes } = activate({ additionalRecipients: ['secops@bluewidget.test'] });
    expect(steve.map((n) => n.kind)).toEqual(['activation-admin']);
    expect(steve[0].title).toBe('Jen activated Owner on finance-test');
    expect(mails).toEqual(['jen@bluewidget.test', 'secops@bluewidget.test']);
    // the page already shows her the activation: e-mail only
    expect(jenNotes).toEqual([]);
  });

  it('with both settings off, nobody is told', () => {
    const { mails, steve } = activate({
      adminOnActivation: false,
      requestorOnActivation: false,
      additionalRecipients: ['secops@bluewidget.test'],
    });
    expect(steve).toEqual([]);
    expect(mails).toEqual([]);
  });
});
