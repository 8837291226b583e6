'use client';

import { useActionState, useEffect } from 'react';
import { useRouter } from 'next/navigation';
import { Button } from '@/components/ui/button';
import { Field } from '@/components/ui/field';
import { ActionMessage } from '@/components/ui/notice';
import type { ActionState } from '@/lib/auth/action';

/** Current password, new password twice; the server checks and, on success, signs out every other session. */
export function ChangePasswordForm({
  action,
  currentLabel = 'Current password',
}: {
  action: (s: ActionState<void>, f: FormData) => Promise<ActionState<void>>;
  currentLabel?: string;
}) {
  const [state, formAction, pending] = useActionState(action, null);
  const router = useRouter();
  useEffect(() => {
    if (state?.ok) router.refresh();
  }, [state, router]);
  const errors = state && !state.ok ? state.fieldErrors : undefined;
  return (
    <form action={formAction} className="space-y-4">
      <ActionMessage state={state} />
      <Field
        label={currentLabel}
        name="currentPassword"
        type="password"
        autoComplete="current-password"
        errors={errors?.currentPassword}
        required
      />
      <Field
        label="New password"
        name="newPassword"
        type="password"
        autoComplete="new-password"
        hint="At least 12 characters."
        errors={errors?.newPassword}
        required
      />
      <Field
        label="Confirm new password"
        name="confirmPassword"
        type="password"
        autoComplete="new-password"
        errors={errors?.confirmPassword}
        required
      />
      <Button type="submit" disabled={pending}>
        {pending ? 'Saving…' : 'Change password'}
      </Button>
    </form>
  );
}
