import 'server-only';
import crypto from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import type { Db, Tx } from '@/db/client';
import { sessionMfa, users, type User } from '@/db/schema';
import { hashPasswordSync, passwordProblem } from '@/lib/crypto/password';
import { ElevateError } from '@/lib/errors';
import { writeAudit } from '@/lib/audit/write';
import { notify } from '@/lib/notify/notify';
import { scheduleDelivery } from '@/lib/notify/deliver';
import { config } from '@/lib/config';
import { policyIndex } from '@/lib/tenant/engine';
import { requirePimAdmin } from '@/lib/resources/access';
import { addApproverInTx } from '@/lib/settings';
import { endAllSessionsInTx } from '@/lib/auth/sessions';

type Actor = { id: string; displayName: string };
const who = (a: Actor) => ({ id: a.id, name: a.displayName });

export interface CreateUserInput {
  displayName: string;
  email: string;
  /** typed by the admin; generated when empty */
  initialPassword?: string;
  /** delegated approver flow: name them approver (approval required) on these scope-roles */
  approverOn?: { scopeId: string; roleId: string }[];
}

/** 18 random base64url characters: typed once by a person, so no look-alike filtering needed beyond that. */
export const generatePassword = () => crypto.randomBytes(14).toString('base64url');

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function loadUser(tx: Tx, userId: string): User {
  const u = tx.select().from(users).where(eq(users.id, userId)).get();
  if (!u) throw new ElevateError('NotFound', 'That user does not exist.');
  return u;
}

/**
 * A new account (typically a delegated approver who holds no role). The initial
 * password is returned once and never stored in clear; the user must change it and
 * enrol MFA at first sign-in. Naming them approver goes through the settings service,
 * which checks management access at each scope, all in one transaction.
 */
export function createUser(db: Db, actor: Actor, input: CreateUserInput, now: number): { user: User; initialPassword: string } {
  const fieldErrors: Record<string, string[]> = {};
  const displayName = input.displayName.trim();
  const email = input.email.trim().toLowerCase();
  if (!displayName) fieldErrors.displayName = ['Give a display name.'];
  if (!EMAIL.test(email)) fieldErrors.email = ['Give a valid e-mail address.'];
  const initialPassword = input.initialPassword?.trim() ? input.initialPassword : generatePassword();
  const problem = passwordProblem(initialPassword);
  if (problem) fieldErrors.initialPassword = [problem];
  const passwordHash = Object.keys(fieldErrors).length ? '' : hashPasswordSync(initialPassword);
  const created = db.transaction(
    (tx) => {
      const index = policyIndex(tx);
      requirePimAdmin(index, actor.id);
      if (
        !fieldErrors.email &&
        tx
          .select({ id: users.id })
          .from(users)
          .where(sql`lower(${users.email}) = ${email}`)
          .get()
      ) {
        fieldErrors.email = ['A user with this e-mail address already exists.'];
      }
      if (Object.keys(fieldErrors).length) throw new ElevateError('InvalidRequest', 'Check the highlighted fields.', { fieldErrors });
      const me = loadUser(tx, actor.id);
      const id = crypto.randomUUID();
      tx.insert(users)
        .values({
          id,
          tenantId: me.tenantId,
          email,
          displayName,
          passwordHash,
          mustChangePassword: true,
          mustEnrolMfa: true,
          createdAt: now,
          createdBy: actor.id,
        })
        .run();
      writeAudit(tx, {
        at: now,
        actor: who(actor),
        action: 'User created',
        principal: { type: 'User', id, name: displayName },
        details: { email, approverOn: input.approverOn ?? [] },
      });
      for (const a of input.approverOn ?? []) addApproverInTx(tx, actor, a.scopeId.toLowerCase(), a.roleId, { type: 'User', id }, now);
      notify(
        tx,
        {
          userIds: [id],
          kind: 'account-created',
          title: 'Your Elevate account',
          body:
            `${actor.displayName} created an Elevate account for you. ` +
            'They will give you your initial password; you will choose your own and set up MFA at first sign-in.',
          link: '/',
        },
        now,
        config().publicUrl,
      );
      return { user: loadUser(tx, id), initialPassword };
    },
    { behavior: 'immediate' },
  );
  scheduleDelivery(db); // the welcome e-mail queued above
  return created;
}

function adminChange(
  db: Db,
  actor: Actor,
  userId: string,
  now: number,
  fn: (tx: Tx, u: User) => { action: string; details?: Record<string, unknown> },
  justification?: string,
) {
  return db.transaction(
    (tx) => {
      requirePimAdmin(policyIndex(tx), actor.id);
      const u = loadUser(tx, userId);
      const { action, details } = fn(tx, u);
      writeAudit(tx, {
        at: now,
        actor: who(actor),
        action,
        principal: { type: 'User', id: u.id, name: u.displayName },
        justification: justification?.trim() || null,
        details,
      });
      return loadUser(tx, userId);
    },
    { behavior: 'immediate' },
  );
}

/**
 * Disabling ends every session at once (sessionVersion, and each session record is marked
 * ended) and the engine grants a disabled user nothing. It takes everything away, so it
 * needs a justification (UX: taking away is deliberate), which the audit keeps.
 */
export function setUserDisabled(db: Db, actor: Actor, userId: string, disabled: boolean, now: number, justification?: string): User {
  if (disabled && !justification?.trim()) throw justificationMissing('Say why you disable this account.');
  return adminChange(
    db,
    actor,
    userId,
    now,
    (tx, u) => {
      if (u.id === actor.id && disabled) throw new ElevateError('Conflict', 'You cannot disable your own account.');
      tx.update(users)
        .set({ disabled, sessionVersion: u.sessionVersion + 1, ...(disabled ? {} : { failedSignIns: 0, lockedUntil: null }) })
        .where(eq(users.id, u.id))
        .run();
      if (!disabled) return { action: 'User enabled' };
      return { action: 'User disabled', details: { sessionsEnded: endAllSessionsInTx(tx, u.id, now, actor.id, 'user-disabled') } };
    },
    justification,
  );
}

export const justificationMissing = (msg: string) => new ElevateError('InvalidRequest', msg, { fieldErrors: { justification: [msg] } });

/** A new one-time password, shown once; the user must change it, and older sessions end. */
export function resetPassword(
  db: Db,
  actor: Actor,
  userId: string,
  now: number,
  password?: string,
): { user: User; initialPassword: string } {
  const initialPassword = password?.trim() ? password : generatePassword();
  const problem = passwordProblem(initialPassword);
  if (problem) throw new ElevateError('InvalidRequest', problem, { fieldErrors: { initialPassword: [problem] } });
  const passwordHash = hashPasswordSync(initialPassword);
  const user = adminChange(db, actor, userId, now, (tx, u) => {
    tx.update(users)
      .set({ passwordHash, mustChangePassword: true, sessionVersion: u.sessionVersion + 1, failedSignIns: 0, lockedUntil: null })
      .where(eq(users.id, u.id))
      .run();
    return { action: 'Password reset', details: { sessionsEnded: endAllSessionsInTx(tx, u.id, now, actor.id, 'password-reset') } };
  });
  return { user, initialPassword };
}

/** Forgets the authenticator: the user enrols again at next sign-in; sessions and MFA step-ups end. */
export function resetMfa(db: Db, actor: Actor, userId: string, now: number): User {
  return adminChange(db, actor, userId, now, (tx, u) => {
    tx.update(users)
      .set({ totpSecretEnc: null, totpEnrolledAt: null, totpLastStep: null, mustEnrolMfa: true, sessionVersion: u.sessionVersion + 1 })
      .where(eq(users.id, u.id))
      .run();
    tx.delete(sessionMfa).where(eq(sessionMfa.userId, u.id)).run();
    return { action: 'MFA reset', details: { sessionsEnded: endAllSessionsInTx(tx, u.id, now, actor.id, 'mfa-reset') } };
  });
}

/**
 * A tenant PIM administrator ends every session of a user (a lost laptop, a suspected
 * stolen cookie): each browser is signed out at its next request; the account, its
 * password, MFA and API tokens stay. Deliberate, so it needs a justification; audited
 * "Sessions ended by administrator" with the sessions that were live.
 */
export function endUserSessions(db: Db, actor: Actor, userId: string, now: number, justification?: string): { user: User; ended: number } {
  if (!justification?.trim()) throw justificationMissing("Say why you end this person's sessions.");
  let ended = 0;
  const user = adminChange(
    db,
    actor,
    userId,
    now,
    (tx, u) => {
      if (u.id === actor.id) throw new ElevateError('Conflict', 'End your own sessions from Profile › Sessions.');
      const ids = endAllSessionsInTx(tx, u.id, now, actor.id, 'ended-by-admin');
      ended = ids.length;
      return { action: 'Sessions ended by administrator', details: { sessionsEnded: ids } };
    },
    justification,
  );
  return { user, ended };
}

export * from './list';
export { PAGE_SIZE, SEARCH_MAX, countText, decodeCursor, encodeCursor, searchText, type CappedCount, type Page, type Seek } from './paging';
