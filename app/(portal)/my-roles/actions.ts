'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { getDb } from '@/lib/db';
import { action } from '@/lib/auth/action';
import { getCurrentUser, getSession } from '@/lib/auth/session';
import { completeEnrolment, enrolSchema } from '@/lib/auth/enrolment';
import { demoUsersExist } from '@/lib/auth/demo';
import { demoCodeFor } from '@/lib/auth/demo-code';
import { submitActivations, submitSelfRequest } from '@/lib/activation';
import { describeSubmission } from '@/lib/activation/describe-result';

const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max, `At most ${max} characters.`)
    .optional()
    .transform((v) => (v ? v : undefined));

const itemsSchema = z
  .string()
  .transform((raw, ctx) => {
    try {
      return JSON.parse(raw) as unknown;
    } catch {
      ctx.addIssue({ code: 'custom', message: 'Choose at least one scope.' });
      return z.NEVER;
    }
  })
  .pipe(
    z
      .array(z.object({ eligibilityId: z.string().min(1).max(100), scopeIds: z.array(z.string().min(1).max(1000)).max(200) }))
      .min(1, 'Choose at least one role.')
      .max(20),
  );

const activateSchema = z
  .object({
    items: itemsSchema,
    startMode: z.enum(['now', 'later']).default('now'),
    // the form sends '' when the start field is empty or not a date
    startAtMs: z.preprocess(
      (v) => (v === '' ? undefined : v),
      z.coerce.number().int().positive('Choose when the activation starts.').optional(),
    ),
    durationMinutes: z.coerce
      .number({ error: 'Enter a duration in minutes.' })
      .int('Whole minutes only.')
      .min(1, 'Enter a duration in minutes.')
      .max(100_000),
    justification: optionalText(1000),
    ticketNumber: optionalText(100),
    ticketSystem: optionalText(100),
    mfaCode: optionalText(12),
  })
  .superRefine((v, ctx) => {
    // "Later" without a start would otherwise quietly activate now
    if (v.startMode === 'later' && v.startAtMs === undefined)
      ctx.addIssue({ code: 'custom', path: ['startAt'], message: 'Choose when the activation starts.' });
  });

/** Activate one or several eligible roles at one or several scopes: one justification, one MFA step. */
export const activateRoles = action(
  activateSchema,
  async (input, { user, now }) => {
    const session = await getSession();
    const db = getDb();
    const submission = submitActivations(
      db,
      user,
      input.items,
      {
        startAt: input.startMode === 'later' ? input.startAtMs : undefined,
        durationMinutes: input.durationMinutes,
        justification: input.justification,
        ticketNumber: input.ticketNumber,
        ticketSystem: input.ticketSystem,
        mfaCode: input.mfaCode,
        sessionId: session?.sessionId ?? null,
      },
      now,
      { channel: 'portal', batch: true },
    );
    revalidatePath('/my-roles');
    revalidatePath('/requests');
    return describeSubmission(db, submission);
  },
  { success: (r) => r.summary },
);

const selfSchema = z.object({
  requestType: z.enum(['SelfDeactivate', 'SelfExtend', 'SelfRenew']),
  targetScheduleId: z.string().min(1).max(100),
  durationDays: z.coerce.number().int().min(1, 'At least one day.').max(3650).optional(),
  justification: optionalText(1000),
});

/** Deactivate an activation now, or ask an administrator to extend or renew an assignment. */
export const selfRequest = action(
  selfSchema,
  (input, { user, now }) => {
    const result = submitSelfRequest(
      getDb(),
      user,
      {
        requestType: input.requestType,
        targetScheduleId: input.targetScheduleId,
        durationMinutes: input.durationDays !== undefined ? input.durationDays * 1440 : undefined,
        justification: input.justification,
      },
      now,
      { channel: 'portal' },
    );
    revalidatePath('/my-roles');
    revalidatePath('/requests');
    return result;
  },
  {
    success: (r, input) =>
      input.requestType === 'SelfDeactivate'
        ? 'Deactivated. The role was removed from your access now.'
        : `Sent for approval to ${r.approverUserIds.length} administrator${r.approverUserIds.length === 1 ? '' : 's'}. You can follow it in My requests.`,
  },
);

/** Authenticator set-up for a user who has none yet, from the activation dialog. */
export const enrolForActivation = action(
  enrolSchema,
  async (input, { user, now }) => {
    // the enrolment's code counts as this session's MFA (issue 15): no second code for the first activation
    completeEnrolment(user, input, now, undefined, (await getSession())?.sessionId ?? null);
    revalidatePath('/my-roles');
  },
  { success: () => 'Authenticator app set up and MFA verified. You can activate now.' },
);

/**
 * The demo authenticator: the current code for the signed-in demo user only, computed
 * from that user's own secret, and only while demo accounts exist. Never anyone else's.
 */
export async function demoAuthenticatorCode(): Promise<{ code: string; secondsLeft: number } | null> {
  const user = await getCurrentUser();
  if (!user || !user.isDemo || !demoUsersExist()) return null;
  return demoCodeFor(getDb(), user.id, Date.now());
}
