import 'server-only';
import { z } from 'zod';
import type { User } from '@/db/schema';
import { isElevateError } from '@/lib/errors';
import { getCurrentUser } from './session';

/** What every server action returns, for useActionState and aria-live rendering. */
export type ActionState<T = unknown> =
  | { ok: true; message: string; data?: T }
  | { ok: false; message: string; code?: string; fieldErrors?: Record<string, string[] | undefined>; values?: Record<string, unknown> }
  | null;

export interface ActionContext {
  user: User;
  now: number;
}

/** FormData → plain object; repeated keys become arrays. Secrets are never echoed back. */
export function formToObject(form: FormData): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of form.entries()) {
    if (key.startsWith('$ACTION')) continue;
    const v = typeof value === 'string' ? value : value;
    if (key in out) out[key] = ([] as unknown[]).concat(out[key], v);
    else out[key] = v;
  }
  return out;
}

const SECRET_FIELDS = /password|code|token|secret/i;

function keepValues(raw: Record<string, unknown>) {
  return Object.fromEntries(Object.entries(raw).filter(([k, v]) => !SECRET_FIELDS.test(k) && typeof v !== 'object'));
}

/**
 * One wrapper for every server action: authenticate → parse with zod → run the handler
 * (which authorizes through the policy engine inside its service) → typed state. A page
 * check never protects an action, so this runs on every call, however the action is
 * reached.
 */
export function action<S extends z.ZodType, R>(
  schema: S,
  handler: (input: z.infer<S>, ctx: ActionContext) => Promise<R> | R,
  opts: { success?: (result: R, input: z.infer<S>) => string; allowIncompleteSignIn?: boolean } = {},
) {
  return async (_prev: ActionState<R> | undefined, formData: FormData): Promise<ActionState<R>> => {
    const user = await getCurrentUser();
    if (!user) return { ok: false, code: 'Unauthenticated', message: 'Your session has ended. Sign in again.' };
    if (!opts.allowIncompleteSignIn && (user.mustChangePassword || user.mustEnrolMfa)) {
      return { ok: false, code: 'AuthorizationFailed', message: 'Finish first sign-in (new password and MFA) before doing this.' };
    }
    const raw = formData instanceof FormData ? formToObject(formData) : ((formData ?? {}) as Record<string, unknown>);
    const parsed = schema.safeParse(raw);
    if (!parsed.success) {
      const fieldErrors: Record<string, string[]> = {};
      for (const issue of parsed.error.issues) {
        const key = String(issue.path[0] ?? 'form');
        (fieldErrors[key] ??= []).push(issue.message);
      }
      return { ok: false, code: 'InvalidRequest', message: 'Check the highlighted fields.', fieldErrors, values: keepValues(raw) };
    }
    try {
      const result = await handler(parsed.data, { user, now: Date.now() });
      return { ok: true, message: opts.success?.(result, parsed.data) ?? 'Done.', data: result };
    } catch (e) {
      if (isElevateError(e)) {
        return { ok: false, code: e.code, message: e.message, fieldErrors: e.fieldErrors, values: keepValues(raw) };
      }
      // Next's redirect/notFound are thrown on purpose and must propagate
      if (e && typeof e === 'object' && 'digest' in e) throw e;
      console.error('[elevate] action failed', e instanceof Error ? e.message : e);
      return {
        ok: false,
        code: 'InternalError',
        message: 'Something went wrong and nothing was changed. Try again.',
        values: keepValues(raw),
      };
    }
  };
}
