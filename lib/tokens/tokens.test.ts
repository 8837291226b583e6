import { afterEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { freshDb } from '@/tests/support/db';
import { apiTokens, users } from '@/db/schema';
import { DEMO_TOTP_SECRET } from '@/db/seed/demo';
import { totpCode } from '@/lib/auth/totp';
import { hashToken } from '@/lib/crypto/seal';
import { authenticateToken, createApiToken, createStepUpToken, listApiTokens, revokeApiToken } from './tokens';

const DAY = 86_400_000;
let t: ReturnType<typeof freshDb>;
afterEach(() => t?.close());

const user = (id: string) => t.db.select().from(users).where(eq(users.id, id)).get()!;

describe('personal API tokens', () => {
  it('is shown once, stored only as a hash, and authenticates its owner', () => {
    t = freshDb();
    const jen = user(t.ids.jen);
    const { token, summary } = createApiToken(t.db, jen, { name: 'deploy pipeline', expiresInDays: 30 }, t.now);
    expect(token).toMatch(/^elv_[A-Za-z0-9_-]{43}$/);
    const row = t.db.select().from(apiTokens).where(eq(apiTokens.id, summary.id)).get()!;
    expect(row.tokenHash).toBe(hashToken(token));
    expect(JSON.stringify(row)).not.toContain(token.slice(4));
    expect(JSON.stringify(listApiTokens(t.db, jen.id, t.now))).not.toContain('tokenHash');
    const who = authenticateToken(t.db, token, t.now + 1000);
    expect(who?.user.id).toBe(jen.id);
    expect(who?.mfaVerifiedAt).toBeNull();
    expect(listApiTokens(t.db, jen.id, t.now + 2000)[0]).toMatchObject({ lastUsedAt: t.now + 1000, status: 'Active', expiresAt: t.now + 30 * DAY });
  });

  it('must expire within a year, and stops working when it does', () => {
    t = freshDb();
    const jen = user(t.ids.jen);
    expect(() => createApiToken(t.db, jen, { name: 'x', expiresInDays: 366 }, t.now)).toThrow(/1 to 365 days/);
    expect(() => createApiToken(t.db, jen, { name: '  ', expiresInDays: 1 }, t.now)).toThrow(/Name the token/);
    const { token } = createApiToken(t.db, jen, { name: 'short', expiresInDays: 1 }, t.now);
    expect(authenticateToken(t.db, token, t.now + DAY - 1)).not.toBeNull();
    expect(authenticateToken(t.db, token, t.now + DAY)).toBeNull();
  });

  it('can be revoked by its owner only, and then is refused', () => {
    t = freshDb();
    const jen = user(t.ids.jen);
    const { token, summary } = createApiToken(t.db, jen, { name: 'laptop', expiresInDays: 7 }, t.now);
    expect(() => revokeApiToken(t.db, user(t.ids.sam), summary.id, t.now)).toThrow(/does not exist/);
    expect(revokeApiToken(t.db, jen, summary.id, t.now + 5).status).toBe('Revoked');
    expect(authenticateToken(t.db, token, t.now + 10)).toBeNull();
  });

  it('stops working for a disabled user', () => {
    t = freshDb();
    const { token } = createApiToken(t.db, user(t.ids.sam), { name: 'sam', expiresInDays: 7 }, t.now);
    t.db.update(users).set({ disabled: true }).where(eq(users.id, t.ids.sam)).run();
    expect(authenticateToken(t.db, token, t.now)).toBeNull();
    expect(authenticateToken(t.db, 'elv_not-a-token', t.now)).toBeNull();
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
