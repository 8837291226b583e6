'use client';

import { startTransition, useActionState, type FormEvent } from 'react';
import type { ActionState } from '@/lib/auth/action';

/**
 * useActionState, submitted through onSubmit instead of `<form action>`: React resets a
 * form after an action prop runs, which clears controlled selects and anything typed
 * even when the server refused. Admin forms keep what was typed; the state says why.
 */
export function useFormAction<T>(action: (s: ActionState<T>, f: FormData) => Promise<ActionState<T>>) {
  const [state, dispatch, pending] = useActionState(action, null);
  const onSubmit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const data = new FormData(e.currentTarget);
    startTransition(() => dispatch(data));
  };
  return [state, onSubmit, pending] as const;
}
