'use client';

import { startTransition, useActionState, type FormEvent } from 'react';
import type { ActionState } from '@/lib/auth/action';

/**
 * useActionState, submitted through onSubmit instead of `<form action>`: React resets a
 * form after an action prop runs, which clears controlled selects and anything typed
 * even when the server refused. Admin forms keep what was typed; the state says why.
 *
 * `clear()` empties the state without a server round trip: a one-time password in a
 * success state would otherwise stay in memory (and on screen) until the next submit.
 */
export function useFormAction<T>(action: (s: ActionState<T>, f: FormData) => Promise<ActionState<T>>) {
  const [state, dispatch, pending] = useActionState<ActionState<T>, FormData | null>(async (prev, data) => {
    if (data === null) return null;
    try {
      return await action(prev, data);
    } catch (e) {
      // refused before the action ran (a body over the size limit, a cross-origin post):
      // the server's plain-text reason arrives as the error; say it in the form, keep what was typed
      return { ok: false, message: e instanceof Error && e.message ? e.message : 'The server refused the request. Nothing was changed.' };
    }
  }, null);
  const onSubmit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const data = new FormData(e.currentTarget);
    startTransition(() => dispatch(data));
  };
  const clear = () => startTransition(() => dispatch(null));
  return [state, onSubmit, pending, clear] as const;
}
