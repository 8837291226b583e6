import { afterEach, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { freshDb } from '@/tests/support/db';
import { auditEvents, groupMembers, groups, sessionMfa, sessions, users } from '@/db/schema';
import { hashPasswordSync } from '@/lib/crypto/password';
import { checkCredentials, PASSWORD_SIGN_IN_OFF } from '@/lib/auth/credentials';
import { signInWithOidc } from './sign-in';
import { linkWithPassword } from './link';
import { identityFromClaims, type OidcIdentity } from './identity';
import { beginIdpStepUp, completeIdpStepUp } from './step-up';

const ISS = 'https://idp.example.test';
const client = { ip: '203.0.113.9', userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Chrome/130.0' };
let t: ReturnType<typeof freshDb>;
afterEach(() => t?.close());

const ada = (over: Partial<OidcIdentity> = {}): OidcIdentity => ({
  issuer: ISS,
  sub: 'ada-sub',
  email: 'ada@corp.test',
  name: 'Ada Lovelace',
  groups: [],
  ...over,
});
const opts = (now = t.now, adminGroups: string[] = ['pim-admins']) => ({ now, client, adminGroups });
const userBySub = (sub: string) =>
  t.db
    .select()
    .from(users)
    .where(and(eq(users.oidcIssuer, ISS), eq(users.oidcSub, sub)))
    .get();
const memberships = (userId: string) =>
  t.db
    .select({ name: groups.name })
    .from(groupMembers)
    .innerJoin(groups, eq(groups.id, groupMembers.groupId))
    .where(eq(groupMembers.userId, userId))
    .all()
    .map((r) => r.name)
    .sort();
const audits = (action: string) => t.db.select().from(auditEvents).where(eq(auditEvents.action, action)).all();
function addGroup(name: string, externalId: string | null = null, source: 'local' | 'scim' = 'local') {
  const tenantId = t.db.select().from(users).get()!.tenantId;
  const id = crypto.randomUUID();
  t.db.insert(groups).values({ id, tenantId, name, createdAt: t.now, externalId, source }).run();
  return id;
}

describe('first single sign-on', () => {
  it('creates a user linked by issuer and subject, with no local password, and starts an oidc session', () => {
    t = freshDb();
    const r = signInWithOidc(t.db, ada(), opts());
    expect(r.kind).toBe('signed-in');
    const u = userBySub('ada-sub')!;
    expect(u).toMatchObject({
      email: 'ada@corp.test',
      displayName: 'Ada Lovelace',
      source: 'oidc',
      passwordHash: '',
      isPimAdmin: false,
      mustEnrolMfa: false,
    });
    if (r.kind !== 'signed-in') return;
    expect(r.created).toBe(true);
    expect(t.db.select().from(sessions).where(eq(sessions.id, r.sessionId)).get()).toMatchObject({ userId: u.id, authMethod: 'oidc' });
    expect(audits('User created')).toHaveLength(1);
    expect(JSON.parse(audits('Signed in')[0].details)).toMatchObject({ method: 'single sign-on' });
  });

  it('a second sign-in finds the same user and refreshes name, e-mail and groups from the claims', () => {
    t = freshDb();
    const ops = addGroup('Finance Operators', 'grp-finance-ops', 'scim');
    addGroup('Auditors');
    signInWithOidc(t.db, ada({ groups: ['GRP-FINANCE-OPS'] }), opts());
    const id = userBySub('ada-sub')!.id;
    expect(memberships(id)).toEqual(['Finance Operators']);
    const r = signInWithOidc(t.db, ada({ name: 'Ada King', email: 'ada.king@corp.test', groups: ['auditors'] }), opts(t.now + 60_000));
    expect(r).toMatchObject({ kind: 'signed-in', created: false });
    expect(userBySub('ada-sub')).toMatchObject({ id, displayName: 'Ada King', email: 'ada.king@corp.test' });
    // the claim no longer names Finance Operators: the membership that sign-in gave is gone
    expect(memberships(id)).toEqual(['Auditors']);
    expect(t.db.select().from(users).where(eq(users.oidcSub, 'ada-sub')).all()).toHaveLength(1);
    expect(ops).toBeTruthy();
  });

  it('never takes away a membership an administrator made', () => {
    t = freshDb();
    const g = addGroup('Finance Operators');
    signInWithOidc(t.db, ada(), opts());
    const id = userBySub('ada-sub')!.id;
    t.db.insert(groupMembers).values({ groupId: g, userId: id, addedAt: t.now }).run();
    signInWithOidc(t.db, ada({ groups: [] }), opts(t.now + 1000));
    expect(memberships(id)).toEqual(['Finance Operators']);
  });

  it('makes a provisioned member of an administrator group a tenant PIM administrator, and takes it away with the group', () => {
    t = freshDb();
    signInWithOidc(t.db, ada({ groups: ['PIM-Admins'] }), opts());
    expect(userBySub('ada-sub')!.isPimAdmin).toBe(true);
    signInWithOidc(t.db, ada({ groups: [] }), opts(t.now + 1000));
    expect(userBySub('ada-sub')!.isPimAdmin).toBe(false);
  });

  it("does not link an existing local account by e-mail alone: it asks for that account's password", async () => {
    t = freshDb();
    const jenBefore = t.db.select().from(users).where(eq(users.id, t.ids.jen)).get()!;
    const r = signInWithOidc(t.db, ada({ sub: 'jen-sub', email: 'JEN@bluewidget.test', name: 'Jen' }), opts());
    expect(r.kind).toBe('link-required');
    expect(t.db.select().from(users).where(eq(users.id, t.ids.jen)).get()!.oidcSub).toBeNull();
    expect(t.db.select().from(sessions).where(eq(sessions.userId, t.ids.jen)).all()).toHaveLength(0);
    if (r.kind !== 'link-required') return;
    const lock = { now: t.now + 1000, threshold: 5, minutes: 15, adminGroups: [] };
    await expect(linkWithPassword(t.db, r.token, 'wrong-password', lock)).rejects.toThrow(/Wrong email or password/);
    expect(t.db.select().from(users).where(eq(users.id, t.ids.jen)).get()!.oidcSub).toBeNull();
    const linked = await linkWithPassword(t.db, r.token, 'elevate-demo', lock);
    expect(linked).toMatchObject({ id: t.ids.jen, oidcIssuer: ISS, oidcSub: 'jen-sub', source: 'local', isPimAdmin: jenBefore.isPimAdmin });
    expect(audits('Single sign-on linked')).toHaveLength(1);
    // the token works once; the next sign-in finds Jen by her subject
    await expect(linkWithPassword(t.db, r.token, 'elevate-demo', lock)).rejects.toThrow(/expired/);
    expect(signInWithOidc(t.db, ada({ sub: 'jen-sub', email: 'jen@bluewidget.test', name: 'Jen' }), opts(t.now + 2000))).toMatchObject({
      kind: 'signed-in',
      user: { id: t.ids.jen },
    });
  });

  it('refuses a disabled account and one without an e-mail', () => {
    t = freshDb();
    expect(signInWithOidc(t.db, ada({ email: null }), opts())).toMatchObject({ kind: 'refused', code: 'no-email' });
    signInWithOidc(t.db, ada(), opts());
    t.db.update(users).set({ disabled: true }).where(eq(users.oidcSub, 'ada-sub')).run();
    expect(signInWithOidc(t.db, ada(), opts(t.now + 1000))).toMatchObject({ kind: 'refused', code: 'disabled' });
  });

  it('reads the identity from ID token claims', () => {
    expect(identityFromClaims({ sub: 's', email: 'A@B.test', name: ' A ', roles: ['x', 'y'] }, ISS, 'roles')).toEqual({
      issuer: ISS,
      sub: 's',
      email: 'a@b.test',
      name: 'A',
      groups: ['x', 'y'],
    });
    expect(identityFromClaims({ email: 'a@b.test' }, ISS, 'groups')).toBeNull();
  });
});

describe('password sign-in switched off (ELEVATE_PASSWORD_SIGNIN=0)', () => {
  const lock = (now: number, passwordSignIn: boolean) => ({ now: () => now, threshold: 5, minutes: 15, passwordSignIn });
  it('refuses the right password of an ordinary account and lets a break-glass account in', async () => {
    t = freshDb();
    t.db
      .update(users)
      .set({ passwordHash: hashPasswordSync('elevate-demo') })
      .where(eq(users.id, t.ids.steve))
      .run();
    const jen = await checkCredentials(t.db, { email: 'jen@bluewidget.test', password: 'elevate-demo' }, lock(t.now, false));
    expect(jen).toMatchObject({ ok: false, message: PASSWORD_SIGN_IN_OFF });
    t.db.update(users).set({ breakGlass: true }).where(eq(users.id, t.ids.steve)).run();
    expect(await checkCredentials(t.db, { email: 'steve@bluewidget.test', password: 'elevate-demo' }, lock(t.now, false))).toMatchObject({
      ok: true,
    });
    expect(await checkCredentials(t.db, { email: 'jen@bluewidget.test', password: 'elevate-demo' }, lock(t.now, true))).toMatchObject({
      ok: true,
    });
  });
  it('a person with no local password never signs in with one', async () => {
    t = freshDb();
    signInWithOidc(t.db, ada(), { now: t.now, client, adminGroups: [] });
    expect(await checkCredentials(t.db, { email: 'ada@corp.test', password: '' + 'x'.repeat(12) }, lock(t.now, true))).toMatchObject({
      ok: false,
    });
  });
});

describe('MFA step-up through the provider', () => {
  it('counts for the session that asked when auth_time is after the request and amr has MFA; refuses password-only', () => {
    t = freshDb();
    const r = signInWithOidc(t.db, ada(), opts());
    if (r.kind !== 'signed-in') throw new Error('not signed in');
    const at = t.now + 60_000;
    beginIdpStepUp(t.db, r.user.id, r.sessionId, '/my-roles', at);
    const refused = completeIdpStepUp(t.db, {
      sessionId: r.sessionId,
      userId: r.user.id,
      claims: { sub: 'ada-sub', auth_time: at / 1000 + 3, amr: ['pwd'] },
      now: at + 5000,
      providerName: 'Contoso',
    });
    expect(refused).toMatchObject({ ok: false, reason: 'no-mfa', returnTo: '/my-roles' });
    expect(t.db.select().from(sessionMfa).where(eq(sessionMfa.sessionId, r.sessionId)).get()).toBeUndefined();
    expect(audits('MFA verification refused')).toHaveLength(1);

    beginIdpStepUp(t.db, r.user.id, r.sessionId, '/my-roles', at + 10_000);
    const stale = completeIdpStepUp(t.db, {
      sessionId: r.sessionId,
      userId: r.user.id,
      claims: { sub: 'ada-sub', auth_time: at / 1000 - 300, amr: ['mfa'] },
      now: at + 12_000,
      providerName: 'Contoso',
    });
    expect(stale).toMatchObject({ ok: false, reason: 'not-fresh' });

    beginIdpStepUp(t.db, r.user.id, r.sessionId, '/my-roles', at + 20_000);
    const ok = completeIdpStepUp(t.db, {
      sessionId: r.sessionId,
      userId: r.user.id,
      claims: { sub: 'ada-sub', auth_time: (at + 25_000) / 1000, amr: ['pwd', 'mfa'] },
      now: at + 26_000,
      providerName: 'Contoso',
    });
    expect(ok).toEqual({ ok: true, returnTo: '/my-roles' });
    expect(t.db.select().from(sessionMfa).where(eq(sessionMfa.sessionId, r.sessionId)).get()).toMatchObject({
      verifiedAt: at + 26_000,
      method: 'idp',
    });
    // the answer is used once
    expect(
      completeIdpStepUp(t.db, {
        sessionId: r.sessionId,
        userId: r.user.id,
        claims: { sub: 'ada-sub', auth_time: (at + 25_000) / 1000, amr: ['mfa'] },
        now: at + 27_000,
        providerName: 'Contoso',
      }),
    ).toMatchObject({ ok: false, reason: 'none' });
  });
});
