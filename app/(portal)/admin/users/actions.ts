'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { getDb } from '@/lib/db';
import { action } from '@/lib/auth/action';
import { createUser, endUserSessions, resetMfa, resetPassword, setUserDisabled } from '@/lib/users';
import { createGroup, setMembership } from '@/lib/groups';

/** The delegated approver flow: account + optional approver duties, one transaction; the password is shown once. */
export const createUserAction = action(
  z.object({
    displayName: z.string().trim().min(1, 'Give a display name.').max(100),
    email: z.string().trim().email('Give a valid e-mail address.').max(254),
    initialPassword: z.string().max(256).optional(),
    approverOn: z.preprocess(
      (v) => (v === undefined || v === '' ? [] : Array.isArray(v) ? v : [v]),
      z
        .array(
          z
            .string()
            .max(1200)
            .regex(/^[^|]+\|[^|]+$/, 'Choose a scope and a role.'),
        )
        .max(50, 'Name at most 50 scope-roles at once.'),
    ),
  }),
  (input, { user, now }) => {
    const approverOn = input.approverOn.map((p) => {
      const [scopeId, roleId] = p.split('|');
      return { scopeId, roleId };
    });
    const r = createUser(getDb(), user, { ...input, approverOn }, now);
    revalidatePath('/admin', 'layout');
    return {
      id: r.user.id,
      name: r.user.displayName,
      email: r.user.email,
      initialPassword: r.initialPassword,
      approverOn: approverOn.length,
    };
  },
  {
    success: (r) =>
      `Created ${r.name}${r.approverOn ? ` and named them approver on ${r.approverOn} scope-role${r.approverOn === 1 ? '' : 's'}` : ''}.`,
  },
);

const target = z.object({ userId: z.string().min(1) });

const justification = z.string().trim().max(1000, 'Use at most 1000 characters.').optional();

export const setDisabledAction = action(
  target.extend({ disabled: z.enum(['true', 'false']), justification }),
  (input, { user, now }) => {
    const u = setUserDisabled(getDb(), user, input.userId, input.disabled === 'true', now, input.justification);
    revalidatePath('/admin/users');
    return { name: u.displayName, disabled: u.disabled };
  },
  { success: (r) => (r.disabled ? `${r.name} is disabled; their sessions have ended.` : `${r.name} is enabled again.`) },
);

export const resetPasswordAction = action(
  target.extend({ initialPassword: z.string().max(256).optional() }),
  (input, { user, now }) => {
    const r = resetPassword(getDb(), user, input.userId, now, input.initialPassword);
    revalidatePath('/admin/users');
    return { name: r.user.displayName, initialPassword: r.initialPassword };
  },
  { success: (r) => `New initial password for ${r.name}. They must change it at next sign-in.` },
);

export const resetMfaAction = action(
  target,
  (input, { user, now }) => {
    const u = resetMfa(getDb(), user, input.userId, now);
    revalidatePath('/admin/users');
    return { name: u.displayName };
  },
  { success: (r) => `${r.name} will set up MFA again at next sign-in; their sessions have ended.` },
);

/** Every session of the user ends at once (ADR 092); the account stays as it is. */
export const endSessionsAction = action(
  target.extend({ justification }),
  (input, { user, now }) => {
    const r = endUserSessions(getDb(), user, input.userId, now, input.justification);
    revalidatePath('/admin/users');
    return { name: r.user.displayName, ended: r.ended };
  },
  { success: (r) => `Ended ${r.ended} session${r.ended === 1 ? '' : 's'} of ${r.name}; they must sign in again.` },
);

export const createGroupAction = action(
  z.object({ name: z.string().trim().min(1, 'Give the group a name.').max(100), description: z.string().trim().max(500).optional() }),
  (input, { user, now }) => {
    const g = createGroup(getDb(), user, input, now);
    revalidatePath('/admin/users');
    return { name: g.name };
  },
  { success: (r) => `Group ${r.name} created.` },
);

export const membershipAction = action(
  z.object({ groupId: z.string().min(1), userId: z.string().min(1, 'Choose a user.'), member: z.enum(['true', 'false']), justification }),
  (input, { user, now }) => {
    setMembership(
      getDb(),
      user,
      { groupId: input.groupId, userId: input.userId, member: input.member === 'true', justification: input.justification },
      now,
    );
    revalidatePath('/admin/users');
    return { member: input.member === 'true' };
  },
  { success: (r) => (r.member ? 'Member added.' : 'Member removed.') },
);
