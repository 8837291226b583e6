import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { freshDb } from '@/tests/support/db';
import { auditEvents, sessionMfa, tenants, users } from '@/db/schema';
import { DEMO_TOTP_SECRET } from '@/db/seed/demo';
import { completeEnrolment, offerEnrolment } from '@/lib/auth/enrolment';
import { verifyMfaStepUp, sessionMfaVerifiedAt } from '@/lib/auth/mfa';
import { startSession } from '@/lib/auth/sessions';
import { totpCode } from '@/lib/auth/totp';
import { createApiToken } from '@/lib/tokens/tokens';
import { setTenantMfaMethod, tenantMfaMethod } from './mfa-method';

// a provider is configured for this file (config() reads the environment once)
beforeAll(() => {
  Object.assign(process.env, {
    ELEVATE_OIDC_ISSUER: 'https://idp.example.test',
    ELEVATE_OIDC_CLIENT_ID: 'elevate',
    ELEVATE_OIDC_CLIENT_SECRET: 'secret',
    ELEVATE_OIDC_NAME: 'Contoso',
  });
});

let t: ReturnType<typeof freshDb>;
afterEach(() => t?.close());
const user = (id: string) => t.db.select().from(users).where(eq(users.id, id)).get()!;
const client = { ip: null, userAgent: null };

describe('the tenant MFA method (Admin › Settings)', () => {
  it('is set by a tenant PIM administrator only, audited, and needs a provider for idp/either', () => {
    t = freshDb();
    const steve = user(t.ids.steve);
    expect(() => setTenantMfaMethod(t.db, user(t.ids.jen), 'idp', t.now, true)).toThrow(/Only tenant PIM administrators/);
    expect(() => setTenantMfaMethod(t.db, steve, 'idp', t.now, false)).toThrow(/Configure an identity provider/);
    setTenantMfaMethod(t.db, steve, 'idp', t.now, true);
    expect(tenantMfaMethod(t.db, steve.tenantId, true)).toBe('idp');
    // no provider any more: codes work again rather than locking everyone out
    expect(tenantMfaMethod(t.db, steve.tenantId, false)).toBe('totp');
    expect(t.db.select().from(auditEvents).where(eq(auditEvents.action, 'MFA method changed')).all()).toHaveLength(1);
  });

  it('refuses an authenticator code when the setting is the identity provider only, and accepts it with either', () => {
    t = freshDb();
    const code = totpCode(DEMO_TOTP_SECRET, t.now);
    t.db.update(tenants).set({ mfaMethod: 'idp' }).run();
    expect(() => t.db.transaction((tx) => verifyMfaStepUp(tx, t.ids.jen, code, t.now, null))).toThrow(/accepts MFA from Contoso only/);
    t.db.update(tenants).set({ mfaMethod: 'either' }).run();
    expect(t.db.transaction((tx) => verifyMfaStepUp(tx, t.ids.jen, code, t.now, null))).toBe(t.now);
  });
});

describe("enrolment counts as the session's MFA (issue 15)", () => {
  it("the code that finishes enrolling is this session's MFA moment, so the first activation needs no second code", async () => {
    t = freshDb();
    t.db.update(users).set({ totpSecretEnc: null, totpLastStep: null, mustEnrolMfa: true }).where(eq(users.id, t.ids.sam)).run();
    const sid = startSession(t.db, user(t.ids.sam), client, t.now);
    const offer = await offerEnrolment(user(t.ids.sam));
    completeEnrolment(
      user(t.ids.sam),
      { sealed: offer.sealed, mfaCode: totpCode(offer.manualKey.replace(/ /g, ''), t.now) },
      t.now,
      t.db,
      sid,
    );
    expect(sessionMfaVerifiedAt(t.db, t.ids.sam, sid)).toBe(t.now);
    expect(t.db.select().from(sessionMfa).where(eq(sessionMfa.sessionId, sid)).get()?.method).toBe('enrolment');
  });
});

describe('an API token without a code (tenant MFA from the provider)', () => {
  it("needs this session's MFA from the provider within five minutes; an old or TOTP step-up does not do", () => {
    t = freshDb();
    t.db.update(tenants).set({ mfaMethod: 'idp' }).run();
    const sid = startSession(t.db, user(t.ids.jen), client, t.now);
    const make = (at: number) => createApiToken(t.db, user(t.ids.jen), { name: 'pipeline', expiresInDays: 30 }, at, sid);
    expect(() => make(t.now)).toThrow(/Verify with Contoso first/);
    t.db.insert(sessionMfa).values({ sessionId: sid, userId: t.ids.jen, verifiedAt: t.now, method: 'totp' }).run();
    expect(() => make(t.now)).toThrow(/Verify with Contoso first/);
    t.db.update(sessionMfa).set({ method: 'idp' }).where(eq(sessionMfa.sessionId, sid)).run();
    expect(make(t.now + 60_000).token).toMatch(/^elv_/);
    expect(() => make(t.now + 6 * 60_000)).toThrow(/Verify with Contoso first/);
  });
});
