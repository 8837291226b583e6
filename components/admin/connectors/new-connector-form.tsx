'use client';

import Link from 'next/link';
import { useEffect, useId, useState } from 'react';
import { useRouter } from 'next/navigation';
import { createConnectorAction } from '@/app/(portal)/admin/connectors/actions';
import { Button, buttonClass } from '@/components/ui/button';
import { Field, FieldErrors, inputClass } from '@/components/ui/field';
import { Notice } from '@/components/ui/notice';
import { CopyButton } from '@/components/ui/copy-button';
import { useFormAction } from '../use-form-action';

const LOGIN_RULES = [
  { value: 'email-local-part', label: 'E-mail local part', explain: 'sam@bluewidget.test signs in to PostgreSQL as sam.' },
  { value: 'email', label: 'Whole e-mail', explain: 'sam@bluewidget.test signs in to PostgreSQL as sam@bluewidget.test.' },
  {
    value: 'user-id',
    label: 'Elevate user id',
    explain: 'Each person’s login role is named after their Elevate user id (a GUID), for login roles made by a script.',
  },
] as const;

/** Shown once after creating a webhook: Elevate keeps only the sealed copy. */
export function SigningSecretOnce({ secret, name }: { secret: string; name: string }) {
  return (
    <div className="rounded-md border border-amber-400 bg-amber-50 p-3 text-sm text-amber-950 dark:bg-amber-950 dark:text-amber-50">
      <p className="font-medium">Signing secret of {name} (shown once)</p>
      <p className="mt-1 flex flex-wrap items-center gap-2">
        <code aria-label="Signing secret" className="select-all break-all rounded bg-white px-2 py-1 font-mono text-sm text-black">
          {secret}
        </code>
        <CopyButton value={secret} label="Copy the signing secret" />
      </p>
      <p className="mt-1 text-xs">
        Give it to the receiver now: it verifies each delivery&apos;s webhook-signature header with it (Standard Webhooks). It will not be
        shown again; to replace it, remove the connector and create it anew.
      </p>
    </div>
  );
}

/**
 * A new connector typed in the portal. A PostgreSQL connection string is sealed at rest
 * and never sent back, not even after a refused submit (the field is named `secret`);
 * a webhook's signing secret is generated and shown once.
 */
export function NewConnectorForm({ events }: { events: readonly string[] }) {
  const [state, onSubmit, pending, clear] = useFormAction(createConnectorAction);
  const router = useRouter();
  const id = useId();
  const v = state && !state.ok ? state.values : undefined;
  const errors = state && !state.ok ? state.fieldErrors : undefined;
  const [type, setType] = useState<'postgresql' | 'webhook'>(v?.type === 'webhook' ? 'webhook' : 'postgresql');
  const [login, setLogin] = useState<string>(LOGIN_RULES[0].value);
  const created = state?.ok ? state.data : undefined;
  // a PostgreSQL connector has nothing to show once: straight to its page to add bindings
  useEffect(() => {
    if (created && !created.signingSecret) router.push(`/admin/connectors/${created.id}`);
  }, [created, router]);

  if (created?.signingSecret) {
    return (
      <div aria-live="polite" className="space-y-3">
        <Notice tone="success">{state!.message}</Notice>
        <SigningSecretOnce secret={created.signingSecret} name={created.name} />
        <div className="flex flex-wrap gap-2">
          <Link href={`/admin/connectors/${created.id}`} className={buttonClass('primary')} onClick={clear}>
            Open {created.name}
          </Link>
          <Button variant="secondary" onClick={clear}>
            Create another
          </Button>
        </div>
      </div>
    );
  }
  return (
    <form onSubmit={onSubmit} className="space-y-4">
      <div aria-live="polite">
        {state?.ok && <Notice tone="success">{state.message}</Notice>}
        {state && !state.ok && <Notice tone="error">{state.message}</Notice>}
      </div>
      <fieldset className="space-y-1">
        <legend className="text-sm font-medium">Type</legend>
        <div className="flex flex-wrap gap-4 text-sm">
          <label className="inline-flex items-center gap-2">
            <input type="radio" name="type" value="postgresql" checked={type === 'postgresql'} onChange={() => setType('postgresql')} />{' '}
            PostgreSQL
          </label>
          <label className="inline-flex items-center gap-2">
            <input type="radio" name="type" value="webhook" checked={type === 'webhook'} onChange={() => setType('webhook')} /> Webhook
          </label>
        </div>
        <p className="text-xs text-[var(--muted)]">
          {type === 'postgresql'
            ? 'A target: bindings map roles at a resource to PostgreSQL group roles, granted while an activation lasts.'
            : 'Signed HTTP POSTs of what happens in Elevate (activations, requests, drift), in order, retried until accepted.'}
        </p>
        <FieldErrors errors={errors?.type} />
      </fieldset>
      <div className="grid gap-3 sm:grid-cols-2">
        <Field
          label="Id"
          name="id"
          required
          maxLength={63}
          defaultValue={v?.id ? String(v.id) : ''}
          errors={errors?.id}
          hint="Lower-case letters, digits and dashes, e.g. finance-db. It names the connector in audit events and cannot change."
        />
        <Field
          label="Display name"
          name="displayName"
          required
          maxLength={100}
          defaultValue={v?.displayName ? String(v.displayName) : ''}
          errors={errors?.displayName}
        />
      </div>
      {type === 'postgresql' ? (
        <>
          <Field
            key="pg"
            label="Connection string"
            name="secret"
            type="password"
            required
            autoComplete="off"
            spellCheck={false}
            errors={errors?.secret}
            hint="postgresql://elevate_connector:PASSWORD@host:5432/postgres. Sealed with this instance’s encryption key; never shown again."
          />
          <div className="space-y-1">
            <label htmlFor={`${id}-login`} className="block text-sm font-medium">
              Login rule
            </label>
            <select
              id={`${id}-login`}
              name="login"
              value={login}
              onChange={(e) => setLogin(e.target.value)}
              aria-describedby={`${id}-login-hint`}
              className={inputClass}
            >
              {LOGIN_RULES.map((r) => (
                <option key={r.value} value={r.value}>
                  {r.label}
                </option>
              ))}
            </select>
            <p id={`${id}-login-hint`} className="text-xs text-[var(--muted)]">
              How a person&apos;s PostgreSQL login role is found: {LOGIN_RULES.find((r) => r.value === login)?.explain} The login role must
              already exist; Elevate only grants group roles to it.
            </p>
            <FieldErrors errors={errors?.login} />
          </div>
          <label className="flex items-start gap-2 text-sm">
            <input type="checkbox" name="terminateSessions" defaultChecked className="mt-1" />
            <span>
              <span className="font-medium">End open sessions on revoke</span>
              <span className="block text-xs text-[var(--muted)]">
                When access ends, the person&apos;s open connections are closed too, so a revoked role does not live on in a session.
              </span>
            </span>
          </label>
        </>
      ) : (
        <>
          <Field
            key="wh"
            label="URL"
            name="url"
            type="url"
            required
            maxLength={2000}
            placeholder="https://siem.example.com/hooks/elevate"
            defaultValue={v?.url ? String(v.url) : ''}
            errors={errors?.url}
            hint="Receives a signed POST per event. Private and loopback addresses are refused unless the server allows them (ELEVATE_WEBHOOK_ALLOW_PRIVATE=1)."
          />
          <fieldset className="space-y-1 rounded-md border border-[var(--border)] p-3">
            <legend className="px-1 text-sm font-medium">Events</legend>
            <div className="grid gap-1 text-sm sm:grid-cols-2">
              {events.map((e) => (
                <label key={e} className="inline-flex items-center gap-2">
                  <input type="checkbox" name="events" value={e} defaultChecked /> <code>{e}</code>
                </label>
              ))}
            </div>
            <FieldErrors errors={errors?.events} />
          </fieldset>
          <p className="text-xs text-[var(--muted)]">A signing secret is generated when you create the webhook and shown once.</p>
        </>
      )}
      <Button type="submit" disabled={pending}>
        {pending ? 'Creating…' : 'Create connector'}
      </Button>
    </form>
  );
}
