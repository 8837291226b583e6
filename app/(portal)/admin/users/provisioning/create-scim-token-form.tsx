'use client';

import { useActionState } from 'react';
import { Button } from '@/components/ui/button';
import { Field } from '@/components/ui/field';
import { ActionMessage, Notice } from '@/components/ui/notice';
import { CopyButton } from '@/components/ui/copy-button';
import { createScimTokenAction } from './actions';

/** Creates a SCIM token; the secret is on screen once, with a copy button. */
export function CreateScimTokenForm() {
  const [state, formAction, pending] = useActionState(createScimTokenAction, null);
  const errors = state && !state.ok ? state.fieldErrors : undefined;
  const values = state && !state.ok ? state.values : undefined;
  return (
    <form action={formAction} className="space-y-4">
      <Field
        label="Token name"
        name="name"
        placeholder="e.g. Entra ID provisioning"
        defaultValue={String(values?.name ?? '')}
        errors={errors?.name}
        hint="Name the identity provider that uses it, so you know what stops when you revoke it."
        required
        maxLength={80}
      />
      <Button type="submit" disabled={pending}>
        {pending ? 'Creating…' : 'Create SCIM token'}
      </Button>
      <ActionMessage state={state} />
      {state?.ok && state.data && (
        <Notice tone="warning" title="Copy this token now. Elevate keeps only a hash of it and cannot show it again.">
          <div className="mt-2 flex items-center gap-2">
            <code
              className="block min-w-0 flex-1 overflow-x-auto rounded bg-[var(--surface)] px-2 py-1 font-mono text-xs text-[var(--text)]"
              aria-label="New SCIM token"
            >
              {state.data.token}
            </code>
            <CopyButton value={state.data.token} label="Copy SCIM token" />
          </div>
          <p className="mt-2 text-xs">
            Paste it as the secret token (Entra ID) or the bearer token (Okta) of the provisioning connection. It does not expire; revoke it
            here.
          </p>
        </Notice>
      )}
    </form>
  );
}
