'use client';

import { useFormAction } from './use-form-action';
import { membershipAction, resetMfaAction, resetPasswordAction, setDisabledAction } from '@/app/(portal)/admin/users/actions';
import { useEffect, useState } from 'react';
import { InertButtons, useHydrated } from './hydrated';
import { useRouter } from 'next/navigation';
import { Button } from '@/components/ui/button';
import { Field } from '@/components/ui/field';
import { ActionMessage } from '@/components/ui/notice';
import { ActionDialog } from './action-dialog';
import { OneTimePassword } from './create-user-form';
import { PrincipalPicker } from './principal-picker';

/** Disable / enable, reset password, reset MFA: each confirmed and saying what happens. */
export function UserRowActions({ userId, name, disabled, self }: { userId: string; name: string; disabled: boolean; self: boolean }) {
  const hydrated = useHydrated();
  if (!hydrated) {
    return (
      <div className="flex flex-wrap gap-1">
        <InertButtons labels={[...(self ? [] : [disabled ? 'Enable' : 'Disable']), 'Reset password', 'Reset MFA']} />
      </div>
    );
  }
  return (
    <div className="flex flex-wrap gap-1">
      {!self && (
        <ActionDialog
          action={setDisabledAction}
          title={disabled ? `Enable ${name}?` : `Disable ${name}?`}
          buttonLabel={disabled ? 'Enable' : 'Disable'}
          submitLabel={disabled ? 'Enable' : 'Disable'}
          submitVariant={disabled ? 'primary' : 'danger'}
          hidden={{ userId, disabled: String(!disabled) }}
        >
          {(errors, values) => (
            <>
              <p className="text-sm">
                {disabled
                  ? `${name} can sign in again and their assignments apply again.`
                  : `${name} is signed out everywhere at once and holds no role while disabled. Their assignments stay, for when you enable them again.`}
              </p>
              {!disabled && (
                <Field
                  label="Justification"
                  name="justification"
                  required
                  maxLength={1000}
                  errors={errors?.justification}
                  defaultValue={values?.justification ? String(values.justification) : ''}
                />
              )}
            </>
          )}
        </ActionDialog>
      )}
      <ActionDialog
        action={resetPasswordAction}
        title={`Reset the password of ${name}?`}
        buttonLabel="Reset password"
        submitLabel="Reset password"
        hidden={{ userId }}
        successContent={(d) => (d ? <OneTimePassword password={d.initialPassword} /> : null)}
      >
        {() => (
          <p className="text-sm">
            {name} gets a new initial password (shown once), is signed out everywhere and must choose a new password at next sign-in.
          </p>
        )}
      </ActionDialog>
      <ActionDialog
        action={resetMfaAction}
        title={`Reset MFA of ${name}?`}
        buttonLabel="Reset MFA"
        submitLabel="Reset MFA"
        submitVariant="danger"
        hidden={{ userId }}
      >
        {() => (
          <p className="text-sm">{name}&apos;s authenticator is forgotten; they are signed out and set up MFA again at next sign-in.</p>
        )}
      </ActionDialog>
    </div>
  );
}

/**
 * Add a member to a group: the person types, the server searches (users not yet in the
 * group, at most 20), so the form never holds the directory.
 */
export function MembershipForm({ groupId, groupName }: { groupId: string; groupName: string }) {
  const [state, onSubmit, pending] = useFormAction(membershipAction);
  const router = useRouter();
  // a fresh picker after each addition: the one just added is no longer a candidate
  const [round, setRound] = useState(0);
  const [seen, setSeen] = useState(state);
  if (seen !== state) {
    setSeen(state);
    if (state?.ok) setRound((r) => r + 1);
  }
  useEffect(() => {
    if (state?.ok) router.refresh();
  }, [state, router]);
  const errors = state && !state.ok ? state.fieldErrors : undefined;
  return (
    <form onSubmit={onSubmit} className="space-y-2">
      <input type="hidden" name="groupId" value={groupId} />
      <input type="hidden" name="member" value="true" />
      <PrincipalPicker
        key={round}
        name="userId"
        submit="id"
        kind="user"
        notInGroup={groupId}
        label={`Add member to ${groupName}`}
        errors={errors?.userId}
      />
      <Button type="submit" variant="secondary" disabled={pending}>
        Add
      </Button>
      <ActionMessage state={state} />
    </form>
  );
}

export function RemoveMemberButton({
  groupId,
  groupName,
  userId,
  name,
}: {
  groupId: string;
  groupName: string;
  userId: string;
  name: string;
}) {
  const hydrated = useHydrated();
  if (!hydrated) return <InertButtons labels={['Remove']} variant="ghost" />;
  return (
    <ActionDialog
      action={membershipAction}
      title={`Remove ${name} from ${groupName}?`}
      buttonLabel="Remove"
      variant="ghost"
      submitVariant="danger"
      submitLabel="Remove member"
      hidden={{ groupId, userId, member: 'false' }}
    >
      {(errors, values) => (
        <>
          <p className="text-sm">
            {name} loses, at once, every role {groupName} holds or is eligible for.
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
