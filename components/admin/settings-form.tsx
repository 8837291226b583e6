'use client';

import { useFormAction } from './use-form-action';
import { useEffect, useId, useState } from 'react';
import { useRouter } from 'next/navigation';
import { saveSettingsAction } from '@/app/(portal)/admin/scope/actions';
import type { RoleSettings } from '@/lib/policy/types';
import { Button } from '@/components/ui/button';
import { Field, FieldErrors } from '@/components/ui/field';
import { ActionMessage, Notice } from '@/components/ui/notice';
import { PrincipalCombobox, optionText, type PrincipalOption } from './principal-picker';

type Errors = Record<string, string[] | undefined> | undefined;
const yes = (b: boolean) => (b ? 'yes' : 'no');
const hours = (m: number) => String(Math.round((m / 60) * 100) / 100);

/** After a refused save the form shows what was typed (state.values), not the stored settings. */
function Check({
  name,
  label,
  defaultChecked,
  hint,
  typed,
}: {
  name: string;
  label: string;
  defaultChecked: boolean;
  hint: string;
  typed?: Record<string, unknown>;
}) {
  const id = useId();
  if (typed) defaultChecked = typed[name] === 'on';
  return (
    <div className="flex items-start gap-2">
      <input id={id} type="checkbox" name={name} defaultChecked={defaultChecked} className="mt-1" aria-describedby={`${id}-h`} />
      <div>
        <label htmlFor={id} className="text-sm font-medium">
          {label}
        </label>
        <p id={`${id}-h`} className="text-xs text-[var(--muted)]">
          {hint}
        </p>
      </div>
    </div>
  );
}

type SettingsFormProps = {
  scopeId: string;
  roleId: string;
  roleName: string;
  scopeName: string;
  settings: RoleSettings;
  defaults: RoleSettings;
  explicit: boolean;
  /** names of the approvers the settings hold now; other candidates come from the picker's server search */
  approverOptions: PrincipalOption[];
  childCount: number;
  /** someone to add as approver (a "Make approver for …" link): shown ticked until saved or unticked */
  proposedApprover?: PrincipalOption;
};

/**
 * Every setting of one (scope, role), each with its built-in default beside it. Saving
 * stores explicit values; only future requests see them. The approvers picked so far live
 * outside the <form>, so a refused save keeps them; another scope-role starts afresh.
 */
export function SettingsForm(props: SettingsFormProps) {
  return <SettingsFormFor key={`${props.scopeId}|${props.roleId}`} {...props} />;
}

function SettingsFormFor({
  scopeId,
  roleId,
  roleName,
  scopeName,
  settings,
  defaults,
  explicit,
  approverOptions,
  childCount,
  proposedApprover,
}: SettingsFormProps) {
  const [state, onSubmit, pending] = useFormAction(saveSettingsAction);
  const router = useRouter();
  useEffect(() => {
    if (state?.ok) router.refresh();
  }, [state, router]);
  const errors: Errors = state && !state.ok ? state.fieldErrors : undefined;
  const typed = state && !state.ok ? state.values : undefined;
  const val = (name: string, stored: string) => (typed && typeof typed[name] === 'string' ? String(typed[name]) : stored);
  const s = settings;
  const d = defaults;
  // every approver named or picked so far, ticked or not: unticking keeps the row so it can be ticked again
  const fromStored = () =>
    s.approvers.map((a) => ({
      option: approverOptions.find((o) => o.value === `${a.type}:${a.id}`) ?? { value: `${a.type}:${a.id}`, label: a.id },
      checked: true,
    }));
  const [approvers, setApprovers] = useState<{ option: PrincipalOption; checked: boolean }[]>(() => {
    const stored = fromStored();
    const extra =
      proposedApprover && !stored.some((x) => x.option.value === proposedApprover.value)
        ? [{ option: proposedApprover, checked: true }]
        : [];
    return [...stored, ...extra];
  });
  // once a save is stored (or someone else changed them), show the stored approvers again
  const storedKey = s.approvers.map((a) => `${a.type}:${a.id}`).join(',');
  const [shownFor, setShownFor] = useState(storedKey);
  if (shownFor !== storedKey) {
    setShownFor(storedKey);
    setApprovers(fromStored());
  }
  const pick = (o: PrincipalOption | null) => {
    if (!o) return;
    setApprovers((list) =>
      list.some((x) => x.option.value === o.value)
        ? list.map((x) => (x.option.value === o.value ? { ...x, checked: true } : x))
        : [...list, { option: o, checked: true }],
    );
  };
  const n = s.notifications;
  const dn = d.notifications;
  return (
    <form key={JSON.stringify(s) + (typed ? JSON.stringify(typed) : '')} onSubmit={onSubmit} className="space-y-6">
      <input type="hidden" name="scopeId" value={scopeId} />
      <input type="hidden" name="roleId" value={roleId} />
      <ActionMessage state={state} />
      {proposedApprover && !s.approvers.some((a) => `${a.type}:${a.id}` === proposedApprover.value) && (
        <Notice tone="info">
          {proposedApprover.label} is ticked under Approvers. Save to name them approver for {roleName} on {scopeName}
          {s.approvalRequired ? '.' : '; tick “Require approval to activate” too, or nobody is asked.'}
        </Notice>
      )}
      <p className="text-sm text-[var(--muted)]">
        {explicit
          ? `Explicit settings of ${roleName} on ${scopeName}.`
          : `${roleName} on ${scopeName} uses the built-in defaults; saving stores explicit values.`}{' '}
        Settings are never inherited by child scopes.
      </p>

      <fieldset className="space-y-3 rounded-md border border-[var(--border)] p-4">
        <legend className="px-1 text-sm font-semibold">Activation</legend>
        <Field
          label="Activation maximum duration (hours)"
          name="activationMaxHours"
          type="number"
          min={0.5}
          max={24}
          step={0.5}
          required
          defaultValue={val('activationMaxHours', hours(s.activationMaxMinutes))}
          hint={`30 minutes to 24 hours. Default ${hours(d.activationMaxMinutes)} h.`}
          errors={errors?.activationMaxMinutes ?? errors?.activationMaxHours}
        />
        <Check
          typed={typed}
          name="activationRequireMfa"
          label="On activation, require MFA"
          defaultChecked={s.activationRequireMfa}
          hint={`Default: ${yes(d.activationRequireMfa)}`}
        />
        <Check
          typed={typed}
          name="activationRequireJustification"
          label="On activation, require a justification"
          defaultChecked={s.activationRequireJustification}
          hint={`Default: ${yes(d.activationRequireJustification)}`}
        />
        <Check
          typed={typed}
          name="activationRequireTicket"
          label="On activation, require ticket information"
          defaultChecked={s.activationRequireTicket}
          hint={`Default: ${yes(d.activationRequireTicket)}`}
        />
      </fieldset>

      <fieldset className="space-y-3 rounded-md border border-[var(--border)] p-4">
        <legend className="px-1 text-sm font-semibold">Approval</legend>
        <Check
          typed={typed}
          name="approvalRequired"
          label="Require approval to activate"
          defaultChecked={s.approvalRequired}
          hint={`Default: ${yes(d.approvalRequired)}. With no approvers named, the tenant's PIM administrators approve.`}
        />
        <div className="space-y-2">
          <p className="text-sm font-medium" id="approvers-label">
            Approvers (users and groups)
          </p>
          {approvers.length === 0 ? (
            <p className="text-xs text-[var(--muted)]">No approvers named: the tenant&apos;s PIM administrators approve.</p>
          ) : (
            <ul aria-labelledby="approvers-label" className="max-h-48 space-y-1 overflow-auto rounded-md border border-[var(--border)] p-2">
              {approvers.map(({ option: o, checked }) => (
                <li key={o.value}>
                  <label className="inline-flex items-center gap-2 text-sm">
                    <input
                      type="checkbox"
                      name="approvers"
                      value={o.value}
                      checked={checked}
                      onChange={(e) =>
                        setApprovers((list) => list.map((x) => (x.option.value === o.value ? { ...x, checked: e.target.checked } : x)))
                      }
                    />
                    {optionText(o)}
                  </label>
                </li>
              ))}
            </ul>
          )}
          <PrincipalCombobox
            label="Add an approver"
            scopeId={scopeId}
            onPick={pick}
            clearOnPick
            hint="Type a name, e-mail or group name, then choose. Untick an approver to remove them."
          />
          <FieldErrors errors={errors?.approvers} />
        </div>
        <Field
          label="Approval times out after (hours)"
          name="approvalTimeoutHours"
          type="number"
          min={1}
          max={336}
          step={1}
          required
          defaultValue={val('approvalTimeoutHours', hours(s.approvalTimeoutMinutes))}
          hint={`Default ${hours(d.approvalTimeoutMinutes)} h.`}
          errors={errors?.approvalTimeoutMinutes ?? errors?.approvalTimeoutHours}
        />
        <Check
          typed={typed}
          name="approverJustificationRequired"
          label="Approvers must justify their decision"
          defaultChecked={s.approverJustificationRequired}
          hint={`Default: ${yes(d.approverJustificationRequired)}`}
        />
        <Check
          typed={typed}
          name="approvalRequireMfa"
          label="Require MFA to approve"
          defaultChecked={s.approvalRequireMfa}
          hint={
            'Approvers confirm a code from their authenticator app to approve (one code for a batch; a step-up token over the API). ' +
            `Default for ${roleName}: ${yes(d.approvalRequireMfa)} (yes for Owner and User Access Administrator, no for other roles).`
          }
        />
      </fieldset>

      <fieldset className="space-y-3 rounded-md border border-[var(--border)] p-4">
        <legend className="px-1 text-sm font-semibold">Assignment</legend>
        <Check
          typed={typed}
          name="eligiblePermanentAllowed"
          label="Allow permanent eligible assignments"
          defaultChecked={s.eligiblePermanentAllowed}
          hint={`Default: ${yes(d.eligiblePermanentAllowed)}`}
        />
        <Field
          label="Otherwise, eligible assignments expire after (days)"
          name="eligibleMaxDays"
          type="number"
          min={1}
          max={3650}
          required
          defaultValue={val('eligibleMaxDays', String(s.eligibleMaxDays))}
          hint={`Default ${d.eligibleMaxDays} days.`}
          errors={errors?.eligibleMaxDays}
        />
        <Check
          typed={typed}
          name="activePermanentAllowed"
          label="Allow permanent active assignments"
          defaultChecked={s.activePermanentAllowed}
          hint={`Default: ${yes(d.activePermanentAllowed)}`}
        />
        <Field
          label="Otherwise, active assignments expire after (days)"
          name="activeMaxDays"
          type="number"
          min={1}
          max={3650}
          required
          defaultValue={val('activeMaxDays', String(s.activeMaxDays))}
          hint={`Default ${d.activeMaxDays} days.`}
          errors={errors?.activeMaxDays}
        />
        <Check
          typed={typed}
          name="activeRequireMfa"
          label="On active assignment, require MFA"
          defaultChecked={s.activeRequireMfa}
          hint={`Default: ${yes(d.activeRequireMfa)}`}
        />
        <Check
          typed={typed}
          name="activeRequireJustification"
          label="On active assignment, require a justification"
          defaultChecked={s.activeRequireJustification}
          hint={`Default: ${yes(d.activeRequireJustification)}`}
        />
      </fieldset>

      <fieldset className="space-y-3 rounded-md border border-[var(--border)] p-4">
        <legend className="px-1 text-sm font-semibold">Notifications</legend>
        <div className="grid gap-3 sm:grid-cols-2">
          <Check
            typed={typed}
            name="adminOnEligibleAssignment"
            label="Admins: eligible assignment"
            defaultChecked={n.adminOnEligibleAssignment}
            hint={`Default: ${yes(dn.adminOnEligibleAssignment)}`}
          />
          <Check
            typed={typed}
            name="adminOnActiveAssignment"
            label="Admins: active assignment"
            defaultChecked={n.adminOnActiveAssignment}
            hint={`Default: ${yes(dn.adminOnActiveAssignment)}`}
          />
          <Check
            typed={typed}
            name="adminOnActivation"
            label="Admins: activation"
            defaultChecked={n.adminOnActivation}
            hint={`Default: ${yes(dn.adminOnActivation)}`}
          />
          <Check
            typed={typed}
            name="requestorOnEligibleAssignment"
            label="Assignee: eligible assignment"
            defaultChecked={n.requestorOnEligibleAssignment}
            hint={`Default: ${yes(dn.requestorOnEligibleAssignment)}`}
          />
          <Check
            typed={typed}
            name="requestorOnActiveAssignment"
            label="Assignee: active assignment"
            defaultChecked={n.requestorOnActiveAssignment}
            hint={`Default: ${yes(dn.requestorOnActiveAssignment)}`}
          />
          <Check
            typed={typed}
            name="requestorOnActivation"
            label="Requester: activation"
            defaultChecked={n.requestorOnActivation}
            hint={`Default: ${yes(dn.requestorOnActivation)}`}
          />
          <Check
            typed={typed}
            name="approverOnActivation"
            label="Approvers: activation needing approval"
            defaultChecked={n.approverOnActivation}
            hint={`Default: ${yes(dn.approverOnActivation)}`}
          />
        </div>
        <Field
          label="Additional recipients (e-mail addresses, comma-separated)"
          name="additionalRecipients"
          defaultValue={val('additionalRecipients', n.additionalRecipients.join(', '))}
          errors={errors?.additionalRecipients ?? errors?.notifications}
        />
      </fieldset>

      {childCount > 0 && (
        <Check
          typed={typed}
          name="applyToChildren"
          label={`Also apply these settings to all ${childCount} child scopes`}
          defaultChecked={false}
          hint="Overwrites the settings of this role at every managed scope below this one."
        />
      )}
      <Button type="submit" disabled={pending}>
        {pending ? 'Saving…' : 'Save settings'}
      </Button>
    </form>
  );
}
