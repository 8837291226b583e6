import 'server-only';
import crypto from 'node:crypto';
import { and, eq, gt, lt, sql } from 'drizzle-orm';
import type { Db, Tx } from '@/db/client';
import { oidcLinkRequests, tenants, users, type User } from '@/db/schema';
import { hashToken } from '@/lib/crypto/seal';
import { writeAudit } from '@/lib/audit/write';
import { provisionedAdminFlag } from '@/lib/policy/identity';
import { startSessionInTx, type ClientInfo } from '@/lib/auth/sessions';
import { syncClaimGroups } from './groups';
import type { OidcIdentity } from './identity';

/** A link request lives this long: the person proves the local password right after the sign-in that asked. */
export const LINK_REQUEST_TTL_MS = 15 * 60_000;

export type OidcSignInResult =
  | { kind: 'signed-in'; user: User; sessionId: string; created: boolean }
  /** the provider's e-mail is an existing local account's: the browser gets a one-time token for /link-account */
  | { kind: 'link-required'; token: string }
  | { kind: 'refused'; code: 'disabled' | 'no-email' | 'email-taken'; message: string };

export interface OidcSignInOptions {
  now: number;
  client: ClientInfo;
  adminGroups: readonly string[];
}

const who = (u: Pick<User, 'id' | 'displayName'>) => ({ id: u.id, name: u.displayName });

/**
 * A single sign-on, in one transaction: the person is found by the provider's issuer and
 * subject only (ADR 100). A first sign-in creates the user; an e-mail that already belongs
 * to a local account is never linked silently: the person proves that account's password
 * once (/link-account) or an administrator links it. Each sign-in refreshes display name,
 * e-mail and the groups the claim names, and for provisioned people the PIM administrator
 * flag from ELEVATE_OIDC_ADMIN_GROUPS; then the server-side session starts.
 */
export function signInWithOidc(db: Db, id: OidcIdentity, opts: OidcSignInOptions): OidcSignInResult {
  const { now } = opts;
  return db.transaction(
    (tx): OidcSignInResult => {
      let user = tx
        .select()
        .from(users)
        .where(and(eq(users.oidcIssuer, id.issuer), eq(users.oidcSub, id.sub)))
        .get();
      let created = false;
      if (!user) {
        if (!id.email)
          return {
            kind: 'refused',
            code: 'no-email',
            message: 'The identity provider did not send an e-mail address for you. Ask an administrator.',
          };
        const same = tx
          .select()
          .from(users)
          .where(sql`lower(${users.email}) = ${id.email.toLowerCase()}`)
          .get();
        if (same) {
          if (same.oidcSub !== null) {
            return {
              kind: 'refused',
              code: 'email-taken',
              message: 'Your e-mail address belongs to an account linked to another sign-in. Ask an administrator.',
            };
          }
          return { kind: 'link-required', token: requestLink(tx, same, id, now) };
        }
        user = createFromProvider(tx, id, now);
        created = true;
      }
      if (user.disabled) {
        writeAudit(tx, {
          at: now,
          actor: who(user),
          action: 'Sign-in failed',
          outcome: 'Failure',
          principal: { type: 'User', ...who(user) },
          details: { method: 'single sign-on', reason: 'disabled' },
        });
        return { kind: 'refused', code: 'disabled', message: 'This account is disabled. Ask an administrator to enable it.' };
      }
      user = refreshFromClaims(tx, user, id, opts);
      const sessionId = startSessionInTx(tx, user, opts.client, now, 'oidc');
      return { kind: 'signed-in', user, sessionId, created };
    },
    { behavior: 'immediate' },
  );
}

function createFromProvider(tx: Tx, id: OidcIdentity, now: number): User {
  const tenant = tx.select({ id: tenants.id }).from(tenants).limit(1).get();
  if (!tenant) throw new Error('no tenant');
  const row = {
    id: crypto.randomUUID(),
    tenantId: tenant.id,
    email: id.email!,
    displayName: id.name ?? id.email!,
    // no local password: this person signs in through the provider only
    passwordHash: '',
    source: 'oidc' as const,
    oidcIssuer: id.issuer,
    oidcSub: id.sub,
    createdAt: now,
    updatedAt: now,
  };
  tx.insert(users).values(row).run();
  const user = tx.select().from(users).where(eq(users.id, row.id)).get()!;
  writeAudit(tx, {
    at: now,
    actor: who(user),
    action: 'User created',
    principal: { type: 'User', ...who(user) },
    details: { email: user.email, source: 'single sign-on', issuer: id.issuer },
  });
  return user;
}

/** Name, e-mail, groups and (provisioned people only) the PIM administrator flag, as the provider says today. */
export function refreshFromClaims(tx: Tx, user: User, id: OidcIdentity, opts: Pick<OidcSignInOptions, 'now' | 'adminGroups'>): User {
  const { now } = opts;
  const set: Partial<User> = { lastSignInAt: now, failedSignIns: 0, lockedUntil: null };
  const changed: Record<string, unknown> = {};
  if (id.name && id.name !== user.displayName) changed.displayName = set.displayName = id.name;
  if (id.email && id.email !== user.email.toLowerCase()) {
    // another account's address is not taken over; the old one stays until an administrator sorts it out
    const taken = tx
      .select({ id: users.id })
      .from(users)
      .where(sql`lower(${users.email}) = ${id.email.toLowerCase()}`)
      .get();
    if (!taken) changed.email = set.email = id.email;
  }
  const groupSync = syncClaimGroups(tx, user, id.groups, now);
  const admin = provisionedAdminFlag(user, groupSync.keys, opts.adminGroups);
  if (admin !== null) changed.isPimAdmin = set.isPimAdmin = admin;
  if (Object.keys(changed).length) set.updatedAt = now;
  tx.update(users).set(set).where(eq(users.id, user.id)).run();
  const fresh = tx.select().from(users).where(eq(users.id, user.id)).get()!;
  writeAudit(tx, {
    at: now,
    actor: who(fresh),
    action: 'Signed in',
    principal: { type: 'User', ...who(fresh) },
    details: {
      method: 'single sign-on',
      issuer: id.issuer,
      ...(Object.keys(changed).length ? { updatedFromProvider: changed } : {}),
      ...(groupSync.added.length ? { groupsJoined: groupSync.added } : {}),
      ...(groupSync.removed.length ? { groupsLeft: groupSync.removed } : {}),
    },
  });
  return fresh;
}

function requestLink(tx: Tx, user: User, id: OidcIdentity, now: number): string {
  const token = crypto.randomBytes(32).toString('base64url');
  // one open request per account and subject; expired ones are swept here
  tx.delete(oidcLinkRequests).where(lt(oidcLinkRequests.expiresAt, now)).run();
  tx.delete(oidcLinkRequests)
    .where(and(eq(oidcLinkRequests.userId, user.id), eq(oidcLinkRequests.oidcSub, id.sub)))
    .run();
  tx.insert(oidcLinkRequests)
    .values({
      id: hashToken(token),
      userId: user.id,
      oidcIssuer: id.issuer,
      oidcSub: id.sub,
      claims: JSON.stringify(id),
      createdAt: now,
      expiresAt: now + LINK_REQUEST_TTL_MS,
    })
    .run();
  writeAudit(tx, {
    at: now,
    actor: { id: null, name: `single sign-on subject ${id.sub}` },
    action: 'Single sign-on link requested',
    principal: { type: 'User', ...who(user) },
    details: { issuer: id.issuer, subject: id.sub, why: "the provider's e-mail matches this local account; the password proves the link" },
  });
  return token;
}

/** The open link request a one-time token names, with its account; null when unknown or expired. */
export function findLinkRequest(db: Db | Tx, token: string, now: number) {
  if (!token || token.length > 200) return null;
  return (
    db
      .select({ req: oidcLinkRequests, user: users })
      .from(oidcLinkRequests)
      .innerJoin(users, eq(users.id, oidcLinkRequests.userId))
      .where(and(eq(oidcLinkRequests.id, hashToken(token)), gt(oidcLinkRequests.expiresAt, now)))
      .get() ?? null
  );
}
