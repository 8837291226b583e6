import 'server-only';
import { and, eq } from 'drizzle-orm';
import type { Db, Tx } from '@/db/client';
import { oidcLinkRequests, users, type User } from '@/db/schema';
import { ElevateError } from '@/lib/errors';
import { writeAudit } from '@/lib/audit/write';
import { policyIndex } from '@/lib/tenant/engine';
import { requirePimAdmin } from '@/lib/resources/access';
import { checkCredentials } from '@/lib/auth/credentials';
import { findLinkRequest, refreshFromClaims } from './sign-in';
import type { OidcIdentity } from './identity';

type Actor = Pick<User, 'id' | 'displayName'>;
const who = (u: Actor) => ({ id: u.id, name: u.displayName });

function setSubject(tx: Tx, user: User, issuer: string, sub: string) {
  const other = tx
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.oidcIssuer, issuer), eq(users.oidcSub, sub)))
    .get();
  if (other && other.id !== user.id)
    throw new ElevateError('Conflict', 'That single sign-on subject is already linked to another account.');
  if (user.oidcSub && user.oidcSub !== sub)
    throw new ElevateError('Conflict', 'This account is already linked to another single sign-on subject.');
  tx.update(users).set({ oidcIssuer: issuer, oidcSub: sub }).where(eq(users.id, user.id)).run();
}

/**
 * The person proves the local account's password once (the lockout counts these tries like
 * any sign-in's): the account is linked to the provider's subject and refreshed from the
 * claims of the sign-in that asked. The person then signs in through the provider, which now
 * finds this account by its subject.
 */
export async function linkWithPassword(
  db: Db,
  token: string,
  password: string,
  opts: { now: number; threshold: number; minutes: number; adminGroups: readonly string[] },
): Promise<User> {
  const found = findLinkRequest(db, token, opts.now);
  if (!found) throw new ElevateError('InvalidRequest', 'This link request has expired. Sign in with single sign-on again.');
  const check = await checkCredentials(
    db,
    { email: found.user.email, password },
    { now: () => opts.now, threshold: opts.threshold, minutes: opts.minutes },
  );
  if (!check.ok) throw new ElevateError('InvalidRequest', check.message, { fieldErrors: { password: [check.message] } });
  return db.transaction(
    (tx) => {
      const again = findLinkRequest(tx, token, opts.now);
      if (!again) throw new ElevateError('InvalidRequest', 'This link request has expired. Sign in with single sign-on again.');
      const user = again.user;
      setSubject(tx, user, again.req.oidcIssuer, again.req.oidcSub);
      tx.delete(oidcLinkRequests).where(eq(oidcLinkRequests.id, again.req.id)).run();
      writeAudit(tx, {
        at: opts.now,
        actor: who(user),
        action: 'Single sign-on linked',
        principal: { type: 'User', ...who(user) },
        details: { issuer: again.req.oidcIssuer, subject: again.req.oidcSub, provedBy: 'local password' },
      });
      const identity = JSON.parse(again.req.claims) as OidcIdentity;
      return refreshFromClaims(tx, { ...user, oidcIssuer: again.req.oidcIssuer, oidcSub: again.req.oidcSub }, identity, opts);
    },
    { behavior: 'immediate' },
  );
}

/** A tenant PIM administrator links an existing account to the provider's subject (they checked who it is out of band). */
export function linkSubjectByAdmin(
  db: Db,
  actor: Actor,
  userId: string,
  issuer: string,
  sub: string,
  now: number,
  justification: string,
): User {
  return db.transaction(
    (tx) => {
      requirePimAdmin(policyIndex(tx), actor.id);
      const user = tx.select().from(users).where(eq(users.id, userId)).get();
      if (!user) throw new ElevateError('NotFound', 'That user does not exist.');
      setSubject(tx, user, issuer, sub);
      tx.delete(oidcLinkRequests).where(eq(oidcLinkRequests.userId, user.id)).run();
      writeAudit(tx, {
        at: now,
        actor: who(actor),
        action: 'Single sign-on linked',
        principal: { type: 'User', ...who(user) },
        justification,
        details: { issuer, subject: sub, provedBy: 'administrator' },
      });
      return tx.select().from(users).where(eq(users.id, user.id)).get()!;
    },
    { behavior: 'immediate' },
  );
}

/** Marks or unmarks a break-glass account: it may still sign in with its password when ELEVATE_PASSWORD_SIGNIN=0. */
export function setBreakGlass(db: Db, actor: Actor, userId: string, on: boolean, now: number, justification: string): User {
  return db.transaction(
    (tx) => {
      requirePimAdmin(policyIndex(tx), actor.id);
      const user = tx.select().from(users).where(eq(users.id, userId)).get();
      if (!user) throw new ElevateError('NotFound', 'That user does not exist.');
      if (!user.passwordHash && on)
        throw new ElevateError('Conflict', 'This account has no local password, so it cannot be a break-glass account.');
      tx.update(users).set({ breakGlass: on, updatedAt: now }).where(eq(users.id, user.id)).run();
      writeAudit(tx, {
        at: now,
        actor: who(actor),
        action: on ? 'Break-glass account marked' : 'Break-glass account unmarked',
        principal: { type: 'User', ...who(user) },
        justification,
      });
      return tx.select().from(users).where(eq(users.id, user.id)).get()!;
    },
    { behavior: 'immediate' },
  );
}
