'use client';

import { ActionDialog } from '@/components/admin/action-dialog';
import { InertButtons, useHydrated } from '@/components/admin/hydrated';
import { Field } from '@/components/ui/field';
import { endSessionsAction } from './actions';

/** "End all sessions" of one user: confirmed, with a justification, saying what stays. */
export function EndSessionsButton({ userId, name, live }: { userId: string; name: string; live: number }) {
  const hydrated = useHydrated();
  if (!hydrated) return <InertButtons labels={['End all sessions']} />;
  return (
    <ActionDialog
      action={endSessionsAction}
      title={`End all sessions of ${name}?`}
      buttonLabel="End all sessions"
      submitLabel="End all sessions"
      submitVariant="danger"
      hidden={{ userId }}
    >
      {(errors, values) => (
        <>
          <p className="text-sm">
            {live === 0
              ? `${name} has no active session now; any that comes back to life is refused too.`
              : `${name}'s ${live === 1 ? 'session is' : `${live} sessions are`} signed out at the next click, on every device, and must sign in again.`}{' '}
            The account, its roles and its API tokens stay: disable the account to stop those too.
          </p>
          <Field
            label="Justification"
            name="justification"
            required
            maxLength={1000}
            errors={errors?.justification}
            defaultValue={values?.justification ? String(values.justification) : ''}
          />
        </>
      )}
    </ActionDialog>
  );
}
