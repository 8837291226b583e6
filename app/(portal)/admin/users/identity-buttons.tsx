'use client';

import { ActionDialog } from '@/components/admin/action-dialog';
import { InertButtons, useHydrated } from '@/components/admin/hydrated';
import { Field } from '@/components/ui/field';
import { breakGlassAction, linkSsoAction } from './identity-actions';

/**
 * Per-user single sign-on actions (ADR 100): mark a break-glass account (password sign-in
 * stays open to it when ELEVATE_PASSWORD_SIGNIN=0), and link an existing account to the
 * provider's subject.
 */
export function IdentityButtons(props: {
  userId: string;
  name: string;
  breakGlass: boolean;
  hasPassword: boolean;
  ssoLinked: boolean;
  providerName: string | null;
}) {
  const { userId, name, breakGlass } = props;
  const hydrated = useHydrated();
  const labels = [
    ...(props.hasPassword ? [breakGlass ? 'Unmark break-glass' : 'Mark break-glass'] : []),
    ...(props.providerName && !props.ssoLinked ? ['Link single sign-on'] : []),
  ];
  if (!hydrated) return <InertButtons labels={labels} />;
  return (
    <>
      {props.hasPassword && (
        <ActionDialog
          action={breakGlassAction}
          title={breakGlass ? `${name} is no longer a break-glass account?` : `Make ${name} a break-glass account?`}
          buttonLabel={labels[0]}
          submitLabel={labels[0]}
          hidden={{ userId, on: String(!breakGlass) }}
        >
          {(errors, values) => (
            <>
              <p className="text-sm">
                {breakGlass
                  ? `${name} will sign in through single sign-on like everyone else when password sign-in is off.`
                  : `${name} may sign in with a password even when password sign-in is off (ELEVATE_PASSWORD_SIGNIN=0): ` +
                    'keep this for emergency accounts.'}
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
      )}
      {props.providerName && !props.ssoLinked && (
        <ActionDialog
          action={linkSsoAction}
          title={`Link ${name} to ${props.providerName}?`}
          buttonLabel="Link single sign-on"
          submitLabel="Link"
          hidden={{ userId }}
        >
          {(errors, values) => (
            <>
              <p className="text-sm">
                Their next sign-in through {props.providerName} opens this account. Check the subject with the person or in the provider
                first.
              </p>
              <Field
                label="Subject (sub) at the provider"
                name="subject"
                required
                maxLength={255}
                errors={errors?.subject}
                defaultValue={values?.subject ? String(values.subject) : ''}
              />
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
      )}
    </>
  );
}
