import { afterEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { freshDb } from '@/tests/support/db';
import { apiTokens, users } from '@/db/schema';
import { DEMO_TOTP_SECRET } from '@/db/seed/demo';
import { totpCode } from '@/lib/auth/totp';
import { hashToken } from '@/lib/crypto/seal';
import { authenticateToken, createApiToken, createStepUpToken, listApiTokens, revokeApiToken } from './tokens';
import { unusedCode } from './test-support';

const DAY = 86_400_000;
let t: ReturnType<typeof freshDb>;
afterEach(() => t?.close());

const user = (id: string) => t.db.select().from(users).where(eq(users.id, id)).get()!;
/** a fresh code, as the create-token form asks for */
const fresh = (id: string, at = t.now) => unusedCode(t.db, id, at);

describe('personal API tokens', () => {
  it('is shown once, stored only as a hash, and authenticates its owner', () => {
    t = freshDb();
    const jen = user(t.ids.jen);
    const { token, summary } = createApiToken(t.db, jen, { name: 'deploy pipeline', expiresInDays: 30, mfaCode: fresh(jen.id) }, t.now);
    expect(token).toMatch(/^elv_[A-Za-z0-9_-]{43}$/);
    const row = t.db.select().from(apiTokens).where(eq(apiTokens.id, summary.id)).get()!;
    expect(row.tokenHash).toBe(hashToken(token));
    expect(JSON.stringify(row)).not.toContain(token.slice(4));
    expect(JSON.stringify(listApiTokens(t.db, jen.id, t.now))).not.toContain('tokenHash');
    const who = authenticateToken(t.db, token, t.now + 1000);
    expect(who?.user.id).toBe(jen.id);
    expect(who?.mfaVerifiedAt).toBeNull();
    expect(listApiTokens(t.db, jen.id, t.now + 2000)[0]).toMatchObject({
      lastUsedAt: t.now + 1000,
      status: 'Active',
      expiresAt: t.now + 30 * DAY,
    });
  });

  it('must expire within a year, and stops working when it does', () => {
    t = freshDb();
    const jen = user(t.ids.jen);
    expect(() => createApiToken(t.db, jen, { name: 'x', expiresInDays: 366, mfaCode: fresh(jen.id) }, t.now)).toThrow(/1 to 365 days/);
    expect(() => createApiToken(t.db, jen, { name: '  ', expiresInDays: 1, mfaCode: fresh(jen.id) }, t.now)).toThrow(/Name the token/);
    const { token } = createApiToken(t.db, jen, { name: 'short', expiresInDays: 1, mfaCode: fresh(jen.id) }, t.now);
    expect(authenticateToken(t.db, token, t.now + DAY - 1)).not.toBeNull();
    expect(authenticateToken(t.db, token, t.now + DAY)).toBeNull();
  });

  it('can be revoked by its owner only, and then is refused', () => {
    t = freshDb();
    const jen = user(t.ids.jen);
    const { token, summary } = createApiToken(t.db, jen, { name: 'laptop', expiresInDays: 7, mfaCode: fresh(jen.id) }, t.now);
    expect(() => revokeApiToken(t.db, user(t.ids.sam), summary.id, t.now)).toThrow(/does not exist/);
    expect(revokeApiToken(t.db, jen, summary.id, t.now + 5).status).toBe('Revoked');
    expect(authenticateToken(t.db, token, t.now + 10)).toBeNull();
  });

  it('stops working for a disabled user', () => {
    t = freshDb();
    const { token } = createApiToken(t.db, user(t.ids.sam), { name: 'sam', expiresInDays: 7, mfaCode: fresh(t.ids.sam) }, t.now);
    t.db.update(users).set({ disabled: true }).where(eq(users.id, t.ids.sam)).run();
    expect(authenticateToken(t.db, token, t.now)).toBeNull();
    expect(authenticateToken(t.db, 'elv_not-a-token', t.now)).toBeNull();
  });
});

describe('creating a personal token needs a fresh MFA code (ADR 092)', () => {
  it('refuses without a code, with a wrong one and with a reused one, and stores nothing', () => {
    t = freshDb();
    const jen = user(t.ids.jen);
    const tokens = () => t.db.select().from(apiTokens).all().length;
    const input = { name: 'stolen cookie', expiresInDays: 365 };
    expect(() => createApiToken(t.db, jen, { ...input, mfaCode: '' }, t.now)).toThrow(/6-digit code/);
    expect(() => createApiToken(t.db, jen, { ...input } as never, t.now)).toThrow(/6-digit code/);
    const right = totpCode(DEMO_TOTP_SECRET, t.now);
    const wrong = String((Number(right) + 500_000) % 1_000_000).padStart(6, '0');
    expect(() => createApiToken(t.db, jen, { ...input, mfaCode: wrong }, t.now)).toThrow(/not right/);
    expect(tokens()).toBe(0);
    // the right code works once and is burnt: the same code again (replayed) is refused
    createApiToken(t.db, jen, { ...input, mfaCode: right }, t.now);
    expect(() => createApiToken(t.db, jen, { ...input, mfaCode: right }, t.now + 5_000)).toThrow(/already used/);
    // a code already used for a step-up (or an activation) is refused too
    const next = totpCode(DEMO_TOTP_SECRET, t.now + 30_000);
    createStepUpToken(t.db, jen, { code: next }, t.now + 30_000);
    expect(() => createApiToken(t.db, jen, { ...input, mfaCode: next }, t.now + 31_000)).toThrow(/already used/);
    expect(
      t.db
        .select()
        .from(apiTokens)
        .all()
        .map((r) => r.name),
    ).toEqual(['stolen cookie', 'MFA step-up']);
    // a user without an authenticator cannot mint one at all
    const sam = user(t.ids.sam);
    t.db.update(users).set({ totpSecretEnc: null }).where(eq(users.id, sam.id)).run();
    expect(() => createApiToken(t.db, sam, { ...input, mfaCode: right }, t.now)).toThrow(/Set up an authenticator app first/);
  });

  it('a refused token (bad lifetime) does not burn the code', () => {
    t = freshDb();
    const jen = user(t.ids.jen);
    const code = totpCode(DEMO_TOTP_SECRET, t.now);
    expect(() => createApiToken(t.db, jen, { name: 'x', expiresInDays: 0, mfaCode: code }, t.now)).toThrow(/1 to 365 days/);
    expect(createApiToken(t.db, jen, { name: 'x', expiresInDays: 1, mfaCode: code }, t.now).summary.status).toBe('Active');
  });
});

describe('MFA step-up tokens', () => {
  it('are minted only with a valid, unused TOTP code, carry the proof and live as long as it is fresh', () => {
    t = freshDb();
    const jen = user(t.ids.jen);
    expect(() => createStepUpToken(t.db, jen, { code: '000000' }, t.now)).toThrow(/not right|6-digit/);
    expect(t.db.select().from(apiTokens).all()).toHaveLength(0);
    const code = totpCode(DEMO_TOTP_SECRET, t.now);
    const { token, summary } = createStepUpToken(t.db, jen, { code }, t.now);
    expect(summary).toMatchObject({ stepUp: true, mfaVerifiedAt: t.now, expiresAt: t.now + 10 * 60_000 });
    expect(authenticateToken(t.db, token, t.now + 60_000)?.mfaVerifiedAt).toBe(t.now);
    expect(authenticateToken(t.db, token, t.now + 10 * 60_000)).toBeNull();
    expect(() => createStepUpToken(t.db, jen, { code }, t.now + 1000)).toThrow(/already used/);
  });
});
