'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { getDb } from '@/lib/db';
import { action } from '@/lib/auth/action';
import { getSession } from '@/lib/auth/session';
import { sessionMfaVerifiedAt, verifyMfaStepUp } from '@/lib/auth/mfa';
import { ElevateError } from '@/lib/errors';
import { submitAdminRequest } from '@/lib/assignments';
import { saveRoleSettings } from '@/lib/settings';
import { settingsFormSchema } from './settings-schema';

const epoch = z.coerce.number().int().positive();

const assignmentSchema = z.object({
  requestType: z.enum(['AdminAssign', 'AdminUpdate', 'AdminRemove', 'AdminExtend', 'AdminRenew']),
  kind: z.enum(['eligible', 'active'], { error: 'Choose Eligible or Active.' }),
  principal: z.string().regex(/^(User|Group):.+$/, 'Choose a user or group.'),
  roleId: z.string().min(1, 'Choose a role.'),
  scopeId: z.string().min(1),
  duration: z.enum(['permanent', 'bound']).default('bound'),
  startAt: z.union([z.literal(''), epoch]).optional(),
  endAt: z.union([z.literal(''), epoch]).optional(),
  justification: z.string().trim().max(1000, 'Use at most 1000 characters.').optional(),
  ticketNumber: z.string().trim().max(100).optional(),
  ticketSystem: z.string().trim().max(100).optional(),
  targetScheduleId: z.string().optional(),
  mfaCode: z.string().trim().optional(),
});

const VERB = {
  AdminAssign: 'Assigned',
  AdminUpdate: 'Updated',
  AdminRemove: 'Removed',
  AdminExtend: 'Extended',
  AdminRenew: 'Renewed',
} as const;

/**
 * Every admin change to an assignment (add, update, extend, renew, remove). The service
 * asks the engine, which checks management access at the scope first.
 */
export const adminAssignmentAction = action(
  assignmentSchema,
  async (input, { user, now }) => {
    const db = getDb();
    const [type, ...rest] = input.principal.split(':');
    const remove = input.requestType === 'AdminRemove';
    if (!remove && input.duration === 'bound' && !input.endAt) {
      throw new ElevateError('InvalidRequest', 'Check the highlighted fields.', {
        fieldErrors: { endAt: ['Choose when the assignment ends, or make it permanent.'] },
      });
    }
    if (remove && !input.justification) {
      throw new ElevateError('InvalidRequest', 'Say why you are removing it.', {
        fieldErrors: { justification: ['Say why you are removing it.'] },
      });
    }
    const session = await getSession();
    if (input.mfaCode)
      db.transaction((tx) => verifyMfaStepUp(tx, user.id, input.mfaCode!, now, session?.sessionId ?? null), { behavior: 'immediate' });
    const startAt = input.startAt && input.startAt > now ? input.startAt : now;
    const result = submitAdminRequest(
      db,
      user,
      {
        requestType: input.requestType,
        kind: input.kind,
        principal: { type: type as 'User' | 'Group', id: rest.join(':') },
        roleId: input.roleId,
        scopeId: input.scopeId,
        startAt: remove ? now : startAt,
        endAt: remove ? now : input.duration === 'permanent' ? null : (input.endAt as number),
        justification: input.justification || undefined,
        ticketNumber: input.ticketNumber || undefined,
        ticketSystem: input.ticketSystem || undefined,
        targetScheduleId: input.targetScheduleId || undefined,
        mfaVerifiedAt: sessionMfaVerifiedAt(db, user.id, session?.sessionId ?? null),
      },
      now,
    );
    revalidatePath('/admin', 'layout');
    return { requestId: result.request.id, scheduleId: result.scheduleId, verb: VERB[input.requestType] };
  },
  { success: (r) => `${r.verb}. The change is in effect now and recorded in the audit log.` },
);

export const saveSettingsAction = action(
  settingsFormSchema,
  (input, { user, now }) => {
    const { scopeId, roleId, applyToChildren, ...settings } = input;
    const r = saveRoleSettings(getDb(), user, { scopeId, roleId, applyToChildren, settings }, now);
    revalidatePath('/admin', 'layout');
    return { children: r.children };
  },
  {
    success: (r) =>
      r.children > 0
        ? `Settings saved here and at ${r.children} child scope${r.children === 1 ? '' : 's'}. They apply to future requests only.`
        : 'Settings saved. They apply to future requests only; existing assignments are unchanged.',
  },
);
