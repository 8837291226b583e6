'use client';

import { useEffect, useId, useRef, useState } from 'react';
import { useRouter } from 'next/navigation';
import { addBindingAction } from '@/app/(portal)/admin/connectors/actions';
import { Button } from '@/components/ui/button';
import { Field, FieldErrors, inputClass } from '@/components/ui/field';
import { ActionMessage } from '@/components/ui/notice';
import { useFormAction } from '../use-form-action';

export interface RoleOption {
  id: string;
  name: string;
}
interface Mapping {
  key: number;
  role: string;
  target: string;
}

/**
 * A new binding: a scope (its resource id, as the copy button next to a path gives it),
 * a mode, and role → target rows. Roles are chosen by name; the target is the group role
 * Elevate grants while someone holds that role there.
 */
export function AddBindingForm({ connectorId, roles }: { connectorId: string; roles: RoleOption[] }) {
  const [state, onSubmit, pending] = useFormAction(addBindingAction);
  const router = useRouter();
  const id = useId();
  const formRef = useRef<HTMLFormElement>(null);
  const seq = useRef(1);
  const [rows, setRows] = useState<Mapping[]>([{ key: 0, role: '', target: '' }]);
  const errors = state && !state.ok ? state.fieldErrors : undefined;
  const v = state && !state.ok ? state.values : undefined;
  useEffect(() => {
    if (!state?.ok) return;
    formRef.current?.reset();
    setRows([{ key: seq.current++, role: '', target: '' }]);
    router.refresh();
  }, [state, router]);
  const set = (key: number, patch: Partial<Mapping>) => setRows((rs) => rs.map((r) => (r.key === key ? { ...r, ...patch } : r)));
  const roleErrors = [...(errors?.roles ?? []), ...(errors?.role ?? []), ...(errors?.target ?? [])];
  const n = (i: number) => (rows.length > 1 ? ` ${i + 1}` : '');

  return (
    <form ref={formRef} onSubmit={onSubmit} className="space-y-4">
      <input type="hidden" name="connectorId" value={connectorId} />
      <ActionMessage state={state} />
      <Field
        label="Resource id"
        name="scope"
        required
        maxLength={1000}
        spellCheck={false}
        defaultValue={v?.scope ? String(v.scope) : ''}
        errors={errors?.scope}
        placeholder="/subscriptions/…/resourceGroups/finance-dev"
        hint="The scope’s ARM id, in any letter case: copy it with the button next to the scope’s path on its page."
      />
      <fieldset className="space-y-1">
        <legend className="text-sm font-medium">Mode</legend>
        <label className="flex items-start gap-2 text-sm">
          <input type="radio" name="mode" value="report" defaultChecked className="mt-1" />
          <span>
            <span className="font-medium">Report</span>{' '}
            <span className="text-[var(--muted)]">— grant and revoke on time; list memberships Elevate did not grant as drift.</span>
          </span>
        </label>
        <label className="flex items-start gap-2 text-sm">
          <input type="radio" name="mode" value="enforce" className="mt-1" />
          <span>
            <span className="font-medium">Enforce</span>{' '}
            <span className="text-[var(--muted)]">— also revoke memberships Elevate did not grant.</span>
          </span>
        </label>
        <FieldErrors errors={errors?.mode} />
      </fieldset>
      <fieldset className="space-y-2 rounded-md border border-[var(--border)] p-3">
        <legend className="px-1 text-sm font-medium">Roles and their targets</legend>
        {rows.map((r, i) => (
          <div key={r.key} className="grid gap-2 sm:grid-cols-[1fr_1fr_auto] sm:items-end">
            <div>
              <label htmlFor={`${id}-r${r.key}`} className="block text-xs font-medium">
                Role{n(i)}
              </label>
              <select
                id={`${id}-r${r.key}`}
                name="role"
                value={r.role}
                onChange={(e) => set(r.key, { role: e.target.value })}
                className={inputClass}
              >
                <option value="">Choose a role…</option>
                {roles.map((o) => (
                  <option key={o.id} value={o.id}>
                    {o.name}
                  </option>
                ))}
              </select>
            </div>
            <div>
              <label htmlFor={`${id}-t${r.key}`} className="block text-xs font-medium">
                Target{n(i)} (PostgreSQL group role)
              </label>
              <input
                id={`${id}-t${r.key}`}
                name="target"
                value={r.target}
                onChange={(e) => set(r.key, { target: e.target.value })}
                maxLength={63}
                spellCheck={false}
                placeholder="finance_dev_writers"
                className={inputClass}
              />
            </div>
            <Button
              variant="ghost"
              className="px-2 py-1 text-xs"
              disabled={rows.length === 1}
              onClick={() => setRows((rs) => rs.filter((x) => x.key !== r.key))}
              aria-label={`Remove mapping${n(i)}`}
            >
              Remove
            </Button>
          </div>
        ))}
        <Button
          variant="secondary"
          className="px-2 py-1 text-xs"
          onClick={() => setRows((rs) => [...rs, { key: seq.current++, role: '', target: '' }])}
        >
          Add another role
        </Button>
        <FieldErrors errors={roleErrors.length ? roleErrors : undefined} />
        <p className="text-xs text-[var(--muted)]">
          Whoever holds the role active at the scope or above (eligible people while their activation lasts, group members too) is a member
          of the target. Each target belongs to one binding.
        </p>
      </fieldset>
      <Button type="submit" disabled={pending}>
        {pending ? 'Adding…' : 'Add binding'}
      </Button>
    </form>
  );
}
