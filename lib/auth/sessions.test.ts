import { afterEach, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { freshDb } from '@/tests/support/db';
import { auditEvents, sessionMfa, sessions, users } from '@/db/schema';
import { endUserSessions, resetMfa, resetPassword, setUserDisabled } from '@/lib/users';
import {
  checkSession,
  clientInfo,
  countsAsActivity,
  describeUserAgent,
  endOtherSessions,
  endOwnSession,
  LAST_SEEN_GRANULARITY_MS,
  listSessions,
  liveSessionCounts,
  sessionLimits,
  signOutSession,
  startSession,
  type SessionLimits,
} from './sessions';

const MIN = 60_000;
const LIMITS: SessionLimits = sessionLimits({ sessionIdleMinutes: 60, sessionHours: 12 });
const FIREFOX = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0';
const SAFARI_IPHONE =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';

let t: ReturnType<typeof freshDb>;
afterEach(() => t?.close());

const user = (id: string) => t.db.select().from(users).where(eq(users.id, id)).get()!;
const record = (id: string) => t.db.select().from(sessions).where(eq(sessions.id, id)).get()!;
const audits = (action: string) => t.db.select().from(auditEvents).where(eq(auditEvents.action, action)).all();
/** what the session cookie of a sign-in carries */
const claim = (sid: string, userId: string) => ({ sid, sub: userId, sv: user(userId).sessionVersion });
const signIn = (userId: string, at = t.now, ua: string | null = FIREFOX, ip = '203.0.113.7') =>
  startSession(t.db, user(userId), { ip, userAgent: ua }, at);

describe('a session record per sign-in', () => {
  it('is written at sign-in with where it came from, audited, and accepted while live', () => {
    t = freshDb();
    const sid = signIn(t.ids.jen);
    expect(record(sid)).toMatchObject({
      userId: t.ids.jen,
      createdAt: t.now,
      lastSeenAt: t.now,
      ip: '203.0.113.7',
      userAgent: FIREFOX,
      endedAt: null,
    });
    expect(audits('Session started')).toHaveLength(1);
    expect(JSON.parse(audits('Session started')[0].details)).toMatchObject({
      sessionId: sid,
      ip: '203.0.113.7',
      device: 'Firefox on Windows',
    });
    expect(checkSession(t.db, claim(sid, t.ids.jen), t.now + MIN, LIMITS)?.user.id).toBe(t.ids.jen);
  });

  it('refuses a cookie without a record (tokens from before the table), of another user, or of an older session version', () => {
    t = freshDb();
    const sid = signIn(t.ids.jen);
    expect(checkSession(t.db, { sub: t.ids.jen, sv: 1 }, t.now, LIMITS)).toBeNull(); // no sid: issued before ADR 092
    expect(checkSession(t.db, { sid: 'c0ffee00-0000-4000-8000-000000000000', sub: t.ids.jen, sv: 1 }, t.now, LIMITS)).toBeNull();
    expect(checkSession(t.db, { ...claim(sid, t.ids.jen), sub: t.ids.sam }, t.now, LIMITS)).toBeNull();
    expect(checkSession(t.db, { ...claim(sid, t.ids.jen), sv: user(t.ids.jen).sessionVersion + 1 }, t.now, LIMITS)).toBeNull();
  });

  it('sign-out revokes it: the same cookie is refused afterwards, audited once', () => {
    t = freshDb();
    const sid = signIn(t.ids.jen);
    t.db.insert(sessionMfa).values({ sessionId: sid, userId: t.ids.jen, verifiedAt: t.now }).run();
    expect(signOutSession(t.db, claim(sid, t.ids.jen), t.now + MIN)).toBe(true);
    expect(record(sid)).toMatchObject({ endedAt: t.now + MIN, endReason: 'signed-out', endedBy: t.ids.jen });
    expect(t.db.select().from(sessionMfa).where(eq(sessionMfa.sessionId, sid)).get()).toBeUndefined();
    expect(checkSession(t.db, claim(sid, t.ids.jen), t.now + MIN + 1, LIMITS)).toBeNull();
    // replaying the sign-out with the old cookie changes nothing more
    expect(signOutSession(t.db, claim(sid, t.ids.jen), t.now + 2 * MIN)).toBe(false);
    expect(audits('Signed out')).toHaveLength(1);
    expect(JSON.parse(audits('Signed out')[0].details)).toMatchObject({ sessionId: sid });
    // a cookie naming someone else's session cannot sign it out
    const sam = signIn(t.ids.sam);
    expect(signOutSession(t.db, { sid: sam, sub: t.ids.jen }, t.now)).toBe(false);
    expect(record(sam).endedAt).toBeNull();
  });

  it('ends after the idle timeout and after the absolute lifetime, checked from the record', () => {
    t = freshDb();
    const idle = signIn(t.ids.jen);
    expect(checkSession(t.db, claim(idle, t.ids.jen), t.now + 60 * MIN - 1, LIMITS)).not.toBeNull();
    expect(checkSession(t.db, claim(idle, t.ids.jen), t.now + 60 * MIN, LIMITS)).toBeNull();

    // busy all day: used every 10 minutes, it still ends 12 hours after sign-in
    const busy = signIn(t.ids.sam);
    let at = t.now;
    for (; at < t.now + 12 * 60 * MIN; at += 10 * MIN) {
      expect(checkSession(t.db, claim(busy, t.ids.sam), at, LIMITS, { ip: null }), `at +${(at - t.now) / MIN} min`).not.toBeNull();
    }
    expect(record(busy).lastSeenAt).toBeGreaterThan(t.now + 11 * 60 * MIN);
    expect(checkSession(t.db, claim(busy, t.ids.sam), t.now + 12 * 60 * MIN, LIMITS, { ip: null })).toBeNull();
    // a tighter idle setting applies to sessions already running
    const strict = sessionLimits({ sessionIdleMinutes: 5, sessionHours: 12 });
    const s = signIn(t.ids.avery);
    expect(checkSession(t.db, claim(s, t.ids.avery), t.now + 5 * MIN, strict)).toBeNull();
  });

  it('writes last-seen at most once a minute, and only for requests that count as use', () => {
    t = freshDb();
    const sid = signIn(t.ids.jen);
    const c = claim(sid, t.ids.jen);
    const writes = () => t.sqlite.prepare('SELECT total_changes() AS n').get() as { n: number };
    const before = writes().n;
    for (let s = 1; s < 60; s += 5) checkSession(t.db, c, t.now + s * 1000, LIMITS, { ip: '198.51.100.2' });
    expect(writes().n).toBe(before); // twelve requests in the first minute: no write
    expect(record(sid).lastSeenAt).toBe(t.now);
    checkSession(t.db, c, t.now + LAST_SEEN_GRANULARITY_MS, LIMITS, { ip: '198.51.100.2' });
    expect(writes().n).toBe(before + 1);
    expect(record(sid)).toMatchObject({ lastSeenAt: t.now + MIN, ip: '198.51.100.2' });
    // background polling (no touch) never writes and does not keep the session alive
    for (let m = 2; m < 61; m++) expect(checkSession(t.db, c, t.now + m * MIN, LIMITS, null)).not.toBeNull();
    expect(writes().n).toBe(before + 1);
    expect(checkSession(t.db, c, t.now + 61 * MIN, LIMITS, null)).toBeNull();
  });
});

describe('ending sessions', () => {
  it("from Profile: one of your own (not someone else's), or all the others", () => {
    t = freshDb();
    const jen = user(t.ids.jen);
    const here = signIn(t.ids.jen);
    const phone = signIn(t.ids.jen, t.now + 1, SAFARI_IPHONE, '198.51.100.9');
    const laptop = signIn(t.ids.jen, t.now + 2);
    const sams = signIn(t.ids.sam);
    expect(listSessions(t.db, jen.id, t.now + 3, LIMITS).map((s) => [s.id, s.browser, s.os])).toEqual([
      [laptop, 'Firefox', 'Windows'],
      [phone, 'Safari', 'iOS'],
      [here, 'Firefox', 'Windows'],
    ]);
    expect(() => endOwnSession(t.db, jen, sams, t.now, LIMITS)).toThrow(/does not exist/);
    expect(record(sams).endedAt).toBeNull();

    expect(endOwnSession(t.db, jen, phone, t.now + 10, LIMITS)).toEqual({ device: 'Safari on iOS', alreadyEnded: false });
    expect(record(phone)).toMatchObject({ endReason: 'ended-by-user', endedBy: jen.id });
    expect(checkSession(t.db, claim(phone, jen.id), t.now + 11, LIMITS)).toBeNull();
    expect(JSON.parse(audits('Session ended')[0].details)).toMatchObject({ sessionId: phone, device: 'Safari on iOS', endedBy: 'Jen' });

    expect(endOtherSessions(t.db, jen, here, t.now + 20, LIMITS)).toBe(1);
    expect(checkSession(t.db, claim(laptop, jen.id), t.now + 21, LIMITS)).toBeNull();
    expect(checkSession(t.db, claim(here, jen.id), t.now + 21, LIMITS)).not.toBeNull();
    expect(listSessions(t.db, jen.id, t.now + 21, LIMITS).map((s) => s.id)).toEqual([here]);
    expect(audits('Session ended')).toHaveLength(2);
    expect(endOtherSessions(t.db, jen, here, t.now + 30, LIMITS)).toBe(0); // nothing left: nothing audited
    expect(audits('Session ended')).toHaveLength(2);
    expect(checkSession(t.db, claim(sams, t.ids.sam), t.now + 31, LIMITS)).not.toBeNull();
  });

  it('a tenant PIM administrator ends every session of a user, with a justification, audited', () => {
    t = freshDb();
    const steve = user(t.ids.steve);
    const a = signIn(t.ids.jen);
    const b = signIn(t.ids.jen, t.now + 1, SAFARI_IPHONE);
    const stale = signIn(t.ids.jen, t.now - 3 * 60 * MIN); // idle for hours already
    const mine = signIn(t.ids.steve);
    expect(liveSessionCounts(t.db, [t.ids.jen, t.ids.steve, t.ids.sam], t.now + 2, LIMITS)).toEqual(
      new Map([
        [t.ids.jen, 2],
        [t.ids.steve, 1],
      ]),
    );

    expect(() => endUserSessions(t.db, user(t.ids.jen), t.ids.sam, t.now, 'because')).toThrow(/Only tenant PIM administrators/);
    expect(() => endUserSessions(t.db, steve, t.ids.jen, t.now, '  ')).toThrow(/Say why/);
    expect(() => endUserSessions(t.db, steve, t.ids.steve, t.now, 'mine')).toThrow(/Profile › Sessions/);
    expect(checkSession(t.db, claim(a, t.ids.jen), t.now + 2, LIMITS)).not.toBeNull();

    const r = endUserSessions(t.db, steve, t.ids.jen, t.now + 5, 'laptop stolen at the airport');
    expect(r.ended).toBe(2);
    for (const sid of [a, b]) {
      expect(checkSession(t.db, claim(sid, t.ids.jen), t.now + 6, LIMITS)).toBeNull();
      expect(record(sid)).toMatchObject({ endedAt: t.now + 5, endReason: 'ended-by-admin', endedBy: steve.id });
    }
    // the stale one is marked too, so a longer idle timeout later cannot bring it back
    expect(record(stale).endReason).toBe('ended-by-admin');
    expect(
      checkSession(t.db, claim(stale, t.ids.jen), t.now + 6, sessionLimits({ sessionIdleMinutes: 1440, sessionHours: 24 })),
    ).toBeNull();
    const [ev] = audits('Sessions ended by administrator');
    expect(ev).toMatchObject({ actorId: steve.id, principalId: t.ids.jen, justification: 'laptop stolen at the airport' });
    expect(JSON.parse(ev.details).sessionsEnded.sort()).toEqual([a, b].sort());
    // Jen signs in again and that works; the administrator's own session was never touched
    expect(checkSession(t.db, claim(signIn(t.ids.jen, t.now + 10), t.ids.jen), t.now + 11, LIMITS)).not.toBeNull();
    expect(checkSession(t.db, claim(mine, t.ids.steve), t.now + 11, LIMITS)).not.toBeNull();
  });

  it('disabling a user ends every session at once, and enabling them again does not bring any back', () => {
    t = freshDb();
    const steve = user(t.ids.steve);
    const a = signIn(t.ids.sam);
    const b = signIn(t.ids.sam, t.now + 1, SAFARI_IPHONE);
    const before = claim(a, t.ids.sam);
    setUserDisabled(t.db, steve, t.ids.sam, true, t.now + 5, 'left the company');
    for (const sid of [a, b]) expect(record(sid)).toMatchObject({ endedAt: t.now + 5, endReason: 'user-disabled', endedBy: steve.id });
    expect(checkSession(t.db, before, t.now + 6, LIMITS)).toBeNull();
    const [ev] = audits('User disabled');
    expect(JSON.parse(ev.details).sessionsEnded.sort()).toEqual([a, b].sort());
    setUserDisabled(t.db, steve, t.ids.sam, false, t.now + 10);
    // even a cookie carrying the new session version finds its record ended
    expect(checkSession(t.db, { ...before, sv: user(t.ids.sam).sessionVersion }, t.now + 11, LIMITS)).toBeNull();
    expect(listSessions(t.db, t.ids.sam, t.now + 11, LIMITS)).toEqual([]);
  });

  it('a password or MFA reset by an administrator marks the sessions ended too', () => {
    t = freshDb();
    const steve = user(t.ids.steve);
    const a = signIn(t.ids.jen);
    resetPassword(t.db, steve, t.ids.jen, t.now + 1);
    expect(record(a).endReason).toBe('password-reset');
    const b = signIn(t.ids.avery);
    resetMfa(t.db, steve, t.ids.avery, t.now + 2);
    expect(record(b).endReason).toBe('mfa-reset');
  });

  it('lists only live sessions, each with its MFA time', () => {
    t = freshDb();
    const a = signIn(t.ids.jen);
    const b = signIn(t.ids.jen, t.now - 2 * 60 * MIN); // idle
    t.db
      .insert(sessionMfa)
      .values({ sessionId: a, userId: t.ids.jen, verifiedAt: t.now + 3 })
      .run();
    const list = listSessions(t.db, t.ids.jen, t.now + 5, LIMITS);
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({
      id: a,
      mfaAt: t.now + 3,
      ip: '203.0.113.7',
      idleEndsAt: t.now + 60 * MIN,
      expiresAt: t.now + 12 * 60 * MIN,
    });
    expect(list.map((s) => s.id)).not.toContain(b);
  });

  it('records dead for months are deleted when their user signs in again', () => {
    t = freshDb();
    const old = signIn(t.ids.jen, t.now - 100 * 86_400_000);
    const recent = signIn(t.ids.jen, t.now - 10 * 86_400_000);
    const sams = signIn(t.ids.sam, t.now - 100 * 86_400_000);
    signIn(t.ids.jen);
    expect(
      t.db
        .select()
        .from(sessions)
        .where(and(eq(sessions.userId, t.ids.jen)))
        .all()
        .map((s) => s.id),
    ).not.toContain(old);
    expect(record(recent)).toBeDefined();
    expect(record(sams)).toBeDefined();
  });
});

describe('request facts', () => {
  it('parses the browser and system roughly from the user agent', () => {
    expect(describeUserAgent(FIREFOX).label).toBe('Firefox on Windows');
    expect(describeUserAgent(SAFARI_IPHONE).label).toBe('Safari on iOS');
    expect(
      describeUserAgent(
        'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36 Edg/126.0.0.0',
      ).label,
    ).toBe('Edge on macOS');
    expect(
      describeUserAgent('Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.0.0 Safari/537.36')
        .label,
    ).toBe('Chrome (headless) on Linux');
    expect(
      describeUserAgent(
        'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36',
      ).label,
    ).toBe('Chrome on Android');
    expect(describeUserAgent('curl/8.5.0').label).toBe('curl on unknown system');
    expect(describeUserAgent(null).label).toBe('Unknown browser on unknown system');
  });

  it('takes the address the nearest proxy saw, and counts pages and actions as use but not polling or prefetches', () => {
    const h = (o: Record<string, string>) => (n: string) => o[n] ?? null;
    expect(clientInfo(h({ 'x-forwarded-for': '10.0.0.1, 203.0.113.7', 'user-agent': FIREFOX }))).toEqual({
      ip: '203.0.113.7',
      userAgent: FIREFOX,
    });
    expect(clientInfo(h({ 'x-forwarded-for': '::ffff:127.0.0.1' })).ip).toBe('127.0.0.1');
    expect(clientInfo(h({}))).toEqual({ ip: null, userAgent: null });
    expect(clientInfo(h({ 'user-agent': 'x'.repeat(2000) })).userAgent).toHaveLength(512);
    expect(countsAsActivity(h({ 'x-elevate-path': '/profile' }))).toBe(true); // a page, in-app navigation or server action
    expect(countsAsActivity(h({ 'x-elevate-path': '/profile', 'next-router-prefetch': '1' }))).toBe(false);
    expect(countsAsActivity(h({}))).toBe(false); // /api/* polling skips proxy.ts
  });
});
