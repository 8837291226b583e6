'use client';

import { useFormAction } from './use-form-action';
import { useEffect, useId, useRef, useState } from 'react';
import { useRouter } from 'next/navigation';
import { createUserAction } from '@/app/(portal)/admin/users/actions';
import Link from 'next/link';
import { Button, buttonClass } from '@/components/ui/button';
import { Field, FieldErrors, inputClass } from '@/components/ui/field';
import { Notice } from '@/components/ui/notice';
import { CopyButton } from '@/components/ui/copy-button';

export interface ScopeOption {
  id: string;
  label: string;
}
export interface RoleOption {
  id: string;
  name: string;
}

/** Shown once after creating an account or resetting a password; never stored in clear. */
export function OneTimePassword({ email, password }: { email?: string; password: string }) {
  return (
    <div className="rounded-md border border-amber-400 bg-amber-50 p-3 text-sm text-amber-950 dark:bg-amber-950 dark:text-amber-50">
      <p className="font-medium">Initial password (shown once)</p>
      <p className="mt-1 flex items-center gap-2">
        <code aria-label="Initial password" className="select-all rounded bg-white px-2 py-1 font-mono text-base text-black">
          {password}
        </code>
        <CopyButton value={password} label="Copy the initial password" />
      </p>
      <p className="mt-1 text-xs">
        Give it to {email ?? 'the user'} over a separate channel. At first sign-in they choose their own password and set up MFA.
      </p>
    </div>
  );
}

/**
 * Create an account (password typed or generated) and, in the same step if wanted, name
 * them approver on chosen scope-roles (which turns approval on) — the delegated approver
 * flow. Once created, the form offers what usually comes next: an assignment for the new
 * user, or naming them approver, each in the form that does it.
 */
export function CreateUserForm({ scopes, roles }: { scopes: ScopeOption[]; roles: RoleOption[] }) {
  const [state, onSubmit, pending, clear] = useFormAction(createUserAction);
  // outlives the one-time password: hiding the password keeps the next steps on screen
  const [created, setCreated] = useState<{ id: string; name: string } | null>(null);
  const router = useRouter();
  const id = useId();
  const v = state && !state.ok ? state.values : undefined;
  const errors = state && !state.ok ? state.fieldErrors : undefined;
  const [pairs, setPairs] = useState<{ scopeId: string; roleId: string }[]>([]);
  const [scopeId, setScopeId] = useState(scopes[0]?.id ?? '');
  const [roleId, setRoleId] = useState(roles.find((r) => r.name === 'Owner')?.id ?? roles[0]?.id ?? '');
  const [generate, setGenerate] = useState(true);
  const formRef = useRef<HTMLFormElement>(null);
  // a new answer, once: remember who was created, and clear the pairs, which belong to that account now
  const [seen, setSeen] = useState(state);
  if (seen !== state) {
    setSeen(state);
    if (state?.ok && state.data) setCreated({ id: state.data.id, name: state.data.name });
    if (state?.ok) setPairs([]);
  }
  // the typed name and e-mail go too (the form's own fields), and the list shows the new user
  useEffect(() => {
    if (!state?.ok) return;
    formRef.current?.reset();
    router.refresh();
  }, [state, router]);
  const label = (p: { scopeId: string; roleId: string }) =>
    `${roles.find((r) => r.id === p.roleId)?.name} on ${scopes.find((s) => s.id === p.scopeId)?.label}`;
  return (
    <form ref={formRef} onSubmit={onSubmit} className="space-y-4">
      <div aria-live="polite" className="space-y-2">
        {state?.ok && state.data && (
          <>
            <Notice tone="success">{state.message}</Notice>
            <OneTimePassword email={state.data.email} password={state.data.initialPassword} />
            <Button variant="secondary" onClick={clear}>
              I have noted the password: hide it
            </Button>
          </>
        )}
        {created && <NextSteps user={created} scopes={scopes} roles={roles} onDismiss={() => setCreated(null)} />}
        {state && !state.ok && <Notice tone="error">{state.message}</Notice>}
      </div>
      <div className="grid gap-3 sm:grid-cols-2">
        <Field
          label="Display name"
          name="displayName"
          required
          maxLength={100}
          defaultValue={v?.displayName ? String(v.displayName) : ''}
          errors={errors?.displayName}
        />
        <Field label="E-mail" name="email" type="email" required defaultValue={v?.email ? String(v.email) : ''} errors={errors?.email} />
      </div>
      <fieldset className="space-y-2">
        <legend className="text-sm font-medium">Initial password</legend>
        <div className="flex flex-wrap gap-4 text-sm">
          <label className="inline-flex items-center gap-2">
            <input type="radio" name="pw-mode" checked={generate} onChange={() => setGenerate(true)} /> Generate one
          </label>
          <label className="inline-flex items-center gap-2">
            <input type="radio" name="pw-mode" checked={!generate} onChange={() => setGenerate(false)} /> Type one
          </label>
        </div>
        {!generate && (
          <Field
            label="Password"
            name="initialPassword"
            type="password"
            autoComplete="new-password"
            minLength={12}
            required
            hint="At least 12 characters."
            errors={errors?.initialPassword}
          />
        )}
        {generate && <FieldErrors errors={errors?.initialPassword} />}
        <p className="text-xs text-[var(--muted)]">The user must change it and set up MFA at first sign-in.</p>
      </fieldset>
      <fieldset className="space-y-2 rounded-md border border-[var(--border)] p-3">
        <legend className="px-1 text-sm font-medium">Approver on (optional)</legend>
        <div className="grid gap-2 sm:grid-cols-[1fr_12rem_auto] sm:items-end">
          <div>
            <label htmlFor={`${id}-s`} className="block text-xs font-medium">
              Scope
            </label>
            <select id={`${id}-s`} value={scopeId} onChange={(e) => setScopeId(e.target.value)} className={inputClass}>
              {scopes.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.label}
                </option>
              ))}
            </select>
          </div>
          <div>
            <label htmlFor={`${id}-r`} className="block text-xs font-medium">
              Role
            </label>
            <select id={`${id}-r`} value={roleId} onChange={(e) => setRoleId(e.target.value)} className={inputClass}>
              {roles.map((r) => (
                <option key={r.id} value={r.id}>
                  {r.name}
                </option>
              ))}
            </select>
          </div>
          <Button
            variant="secondary"
            onClick={() => setPairs((p) => (p.some((x) => x.scopeId === scopeId && x.roleId === roleId) ? p : [...p, { scopeId, roleId }]))}
          >
            Add
          </Button>
        </div>
        <FieldErrors errors={errors?.approverOn} />
        {pairs.length > 0 && (
          <ul className="space-y-1 text-sm" aria-label="Approver on">
            {pairs.map((p) => (
              <li key={`${p.scopeId}|${p.roleId}`} className="flex items-center justify-between gap-2">
                <input type="hidden" name="approverOn" value={`${p.scopeId}|${p.roleId}`} />
                <span>{label(p)}: approval becomes required</span>
                <Button
                  variant="ghost"
                  className="px-2 py-1 text-xs"
                  onClick={() => setPairs((x) => x.filter((y) => y !== p))}
                  aria-label={`Remove ${label(p)}`}
                >
                  Remove
                </Button>
              </li>
            ))}
          </ul>
        )}
      </fieldset>
      <Button type="submit" disabled={pending}>
        {pending ? 'Creating…' : 'Create user'}
      </Button>
    </form>
  );
}

/**
 * After creating a user: make them eligible (the scope page's assignment form, with the
 * user chosen) or an approver (the scope's role settings, with the user ticked). Plain
 * links; the selects only build them, so they carry no name and the create form ignores them.
 */
function NextSteps({
  user,
  scopes,
  roles,
  onDismiss,
}: {
  user: { id: string; name: string };
  scopes: ScopeOption[];
  roles: RoleOption[];
  onDismiss: () => void;
}) {
  const id = useId();
  const [scopeId, setScopeId] = useState(scopes[0]?.id ?? '');
  const [roleId, setRoleId] = useState(roles.find((r) => r.name === 'Owner')?.id ?? roles[0]?.id ?? '');
  if (!scopeId) return null;
  const who = encodeURIComponent(`User:${user.id}`);
  const at = `/admin/scope?id=${encodeURIComponent(scopeId)}&role=${encodeURIComponent(roleId)}`;
  return (
    <section aria-labelledby={`${id}-t`} className="space-y-2 rounded-md border border-[var(--border)] p-3">
      <h3 id={`${id}-t`} className="text-sm font-semibold">
        Next for {user.name}
      </h3>
      <p className="text-xs text-[var(--muted)]">Make them eligible for a role, or name them approver where activating needs approval.</p>
      <div className="grid gap-2 sm:grid-cols-[1fr_12rem]">
        <div>
          <label htmlFor={`${id}-s`} className="block text-xs font-medium">
            Where
          </label>
          <select id={`${id}-s`} value={scopeId} onChange={(e) => setScopeId(e.target.value)} className={inputClass}>
            {scopes.map((s) => (
              <option key={s.id} value={s.id}>
                {s.label}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor={`${id}-r`} className="block text-xs font-medium">
            Which role
          </label>
          <select id={`${id}-r`} value={roleId} onChange={(e) => setRoleId(e.target.value)} className={inputClass}>
            {roles.map((r) => (
              <option key={r.id} value={r.id}>
                {r.name}
              </option>
            ))}
          </select>
        </div>
      </div>
      <div className="flex flex-wrap gap-2">
        <Link href={`${at}&tab=assignments&assignee=${who}`} className={buttonClass('primary')}>
          Add an assignment for {user.name}
        </Link>
        <Link href={`${at}&tab=settings&approver=${who}`} className={buttonClass('secondary')}>
          Make approver for {user.name}
        </Link>
        <Button variant="ghost" onClick={onDismiss}>
          Not now
        </Button>
      </div>
    </section>
  );
}
