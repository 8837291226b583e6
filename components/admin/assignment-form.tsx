'use client';

import { useFormAction } from './use-form-action';
import { useCallback, useEffect, useId, useRef, useState } from 'react';
import { useRouter } from 'next/navigation';
import { adminAssignmentAction } from '@/app/(portal)/admin/scope/actions';
import { Button } from '@/components/ui/button';
import { Field, FieldErrors, inputClass } from '@/components/ui/field';
import { ActionMessage } from '@/components/ui/notice';
import { PrincipalPicker, type PrincipalOption } from './principal-picker';
import { WindowFields } from './window-fields';

/** What the form must know about one role's settings at this scope (from the engine's settingsFor). */
export interface RoleRules {
  roleId: string;
  roleName: string;
  eligiblePermanentAllowed: boolean;
  eligibleMaxDays: number;
  activePermanentAllowed: boolean;
  activeMaxDays: number;
  activeRequireMfa: boolean;
  activeRequireJustification: boolean;
  explicit: boolean;
}

const fmt = (ms: number) =>
  Number.isFinite(ms) ? new Date(ms).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' }) : '…';

/** Add an eligible or active assignment at a scope; the rules shown come from the scope-role settings, and the server enforces them. */
export function AssignmentForm({
  scopeId,
  scopeName,
  principals,
  roles,
  defaultRoleId,
  defaultPrincipal,
  mfaFresh,
}: {
  /** principals the page already knows by name (optional): candidates come from the picker's server search */
  scopeId: string;
  scopeName: string;
  principals?: PrincipalOption[];
  roles: RoleRules[];
  defaultRoleId?: string;
  mfaFresh: boolean;
  /** chosen at first ("User:<id>", one of `principals`): the users page's "Add an assignment for …" */
  defaultPrincipal?: string;
}) {
  const [state, onSubmit, pending] = useFormAction(adminAssignmentAction);
  const router = useRouter();
  const id = useId();
  const v = state && !state.ok ? state.values : undefined;
  const errors = state && !state.ok ? state.fieldErrors : undefined;
  const [roleId, setRoleId] = useState(String(v?.roleId ?? defaultRoleId ?? roles[0]?.roleId ?? ''));
  const [kind, setKind] = useState<'eligible' | 'active'>(v?.kind === 'active' ? 'active' : 'eligible');
  const [win, setWin] = useState<{ permanent: boolean; start: number; end: number | null }>({ permanent: false, start: NaN, end: null });
  const onWindow = useCallback((w: typeof win) => setWin(w), []);
  const formRef = useRef<HTMLFormElement>(null);
  const rules = roles.find((r) => r.roleId === roleId);
  const eligible = kind === 'eligible';
  const permanentAllowed = rules ? (eligible ? rules.eligiblePermanentAllowed : rules.activePermanentAllowed) : false;
  const maxDays = rules ? (eligible ? rules.eligibleMaxDays : rules.activeMaxDays) : 365;
  const needsWhy = !eligible && !!rules?.activeRequireJustification;
  const needsMfa = !eligible && !!rules?.activeRequireMfa && !mfaFresh;

  useEffect(() => {
    if (state?.ok) router.refresh();
  }, [state, router]);

  return (
    <form ref={formRef} onSubmit={onSubmit} className="space-y-4" aria-describedby={`${id}-outcome`}>
      <input type="hidden" name="requestType" value="AdminAssign" />
      <input type="hidden" name="scopeId" value={scopeId} />
      <ActionMessage state={state} />
      <PrincipalPicker
        name="principal"
        label="User or group"
        scopeId={scopeId}
        options={principals}
        errors={errors?.principal ?? errors?.principalId}
        defaultValue={v?.principal ? String(v.principal) : defaultPrincipal}
      />
      <div className="grid gap-3 sm:grid-cols-2">
        <div className="space-y-1">
          <label htmlFor={`${id}-role`} className="block text-sm font-medium">
            Role
          </label>
          <select id={`${id}-role`} name="roleId" value={roleId} onChange={(e) => setRoleId(e.target.value)} className={inputClass}>
            {roles.map((r) => (
              <option key={r.roleId} value={r.roleId}>
                {r.roleName}
              </option>
            ))}
          </select>
          <FieldErrors errors={errors?.roleId} />
        </div>
        <fieldset className="space-y-1">
          <legend className="text-sm font-medium">Assignment type</legend>
          <div className="flex gap-4 pt-2 text-sm">
            <label className="inline-flex items-center gap-2">
              <input type="radio" name="kind" value="eligible" checked={eligible} onChange={() => setKind('eligible')} /> Eligible
            </label>
            <label className="inline-flex items-center gap-2">
              <input type="radio" name="kind" value="active" checked={!eligible} onChange={() => setKind('active')} /> Active
            </label>
          </div>
        </fieldset>
      </div>
      {rules && (
        <p className="rounded-md bg-slate-50 p-3 text-xs text-[var(--muted)] dark:bg-slate-900">
          Settings of {rules.roleName} on {scopeName} ({rules.explicit ? 'explicit' : 'defaults'}): {eligible ? 'eligible' : 'active'}{' '}
          assignments
          {permanentAllowed ? ' may be permanent' : ` last at most ${maxDays} days`}
          {!eligible &&
            `; justification ${rules.activeRequireJustification ? 'required' : 'optional'}; MFA ${rules.activeRequireMfa ? 'required' : 'not required'}`}
          .
        </p>
      )}
      <WindowFields key={`${roleId}-${kind}`} permanentAllowed={permanentAllowed} maxDays={maxDays} errors={errors} onChange={onWindow} />
      <Field
        label={`Justification${needsWhy ? '' : ' (optional)'}`}
        name="justification"
        required={needsWhy}
        defaultValue={v?.justification ? String(v.justification) : ''}
        errors={errors?.justification}
        maxLength={1000}
      />
      <div className="grid gap-3 sm:grid-cols-2">
        <Field label="Ticket number (optional)" name="ticketNumber" defaultValue={v?.ticketNumber ? String(v.ticketNumber) : ''} />
        <Field label="Ticket system (optional)" name="ticketSystem" defaultValue={v?.ticketSystem ? String(v.ticketSystem) : ''} />
      </div>
      {needsMfa && (
        <Field
          label="MFA code"
          name="mfaCode"
          inputMode="numeric"
          autoComplete="one-time-code"
          maxLength={6}
          hint="Active assignments of this role need a fresh MFA verification."
          errors={errors?.mfaCode}
        />
      )}
      <p id={`${id}-outcome`} className="text-sm" aria-live="polite">
        Outcome: {eligible ? 'eligible (may activate)' : 'active at once'} {rules?.roleName} on {scopeName} and everything below it,{' '}
        {win.permanent ? 'permanently' : `from ${fmt(win.start)} until ${fmt(win.end ?? NaN)}`}.
      </p>
      <Button type="submit" disabled={pending}>
        {pending ? 'Assigning…' : 'Assign'}
      </Button>
    </form>
  );
}
