'use server';

import { z } from 'zod';
import { getDb } from '@/lib/db';
import { config } from '@/lib/config';
import { isElevateError } from '@/lib/errors';
import { linkWithPassword } from '@/lib/auth/oidc/link';

const schema = z.object({
  token: z.string().min(10).max(200),
  password: z.string().min(1, 'Enter the password of your Elevate account.').max(256),
});

export type LinkState = { ok: boolean; message: string; fieldErrors?: Record<string, string[] | undefined> } | null;

/**
 * The person proves the local account's password once to link it to the provider's subject
 * (ADR 100). Nobody is signed in yet, so there is no session to check: the one-time token from
 * the sign-in that asked and the password are the proof; lockout counts wrong passwords.
 */
export async function linkAccount(_prev: LinkState, form: FormData): Promise<LinkState> {
  const parsed = schema.safeParse({ token: form.get('token'), password: form.get('password') });
  if (!parsed.success)
    return { ok: false, message: 'Check the highlighted fields.', fieldErrors: { password: parsed.error.issues.map((i) => i.message) } };
  const cfg = config();
  try {
    await linkWithPassword(getDb(), parsed.data.token, parsed.data.password, {
      now: Date.now(),
      ...cfg.lockout,
      adminGroups: cfg.oidc?.adminGroups ?? [],
    });
    return { ok: true, message: `Linked. Signing you in with ${cfg.oidc?.name ?? 'single sign-on'}…` };
  } catch (e) {
    if (isElevateError(e)) return { ok: false, message: e.message, fieldErrors: e.fieldErrors };
    console.error('[elevate] link failed', e instanceof Error ? e.message : e);
    return { ok: false, message: 'Something went wrong and nothing was changed. Try again.' };
  }
}
