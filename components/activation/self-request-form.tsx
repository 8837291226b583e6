'use client';

import { useActionState, useState } from 'react';
import { selfRequest } from '@/app/(portal)/my-roles/actions';
import { Button } from '@/components/ui/button';
import { Field } from '@/components/ui/field';
import { ActionMessage } from '@/components/ui/notice';
import { JustificationField } from './activation-form';

export type SelfRequestKind = 'SelfDeactivate' | 'SelfExtend' | 'SelfRenew';

const COPY: Record<SelfRequestKind, { intro: string; submit: string; danger: boolean }> = {
  SelfDeactivate: {
    intro: 'You lose this role now. You can activate it again later while you are eligible.',
    submit: 'Deactivate',
    danger: true,
  },
  SelfExtend: {
    intro: 'An administrator of this scope must approve. The new window is measured from now.',
    submit: 'Request extension',
    danger: false,
  },
  SelfRenew: {
    intro: 'An administrator of this scope must approve. The renewed assignment starts when it is approved.',
    submit: 'Request renewal',
    danger: false,
  },
};

/** Deactivate (confirm + justification), or ask for an extension or renewal. */
export function SelfRequestForm({
  kind,
  targetScheduleId,
  what,
  onDone,
}: {
  kind: SelfRequestKind;
  targetScheduleId: string;
  what: string;
  onDone: () => void;
}) {
  const [state, formAction, pending] = useActionState(selfRequest, null);
  const [justification, setJustification] = useState('');
  const [days, setDays] = useState('30');
  const errors = state && !state.ok ? state.fieldErrors : undefined;
  const copy = COPY[kind];
  if (state?.ok) {
    return (
      <div className="space-y-4">
        <ActionMessage state={state} />
        <Button onClick={onDone}>Done</Button>
      </div>
    );
  }
  return (
    <form action={formAction} className="space-y-4">
      <ActionMessage state={state} />
      <p className="text-sm">
        <span className="font-medium">{what}</span>. {copy.intro}
      </p>
      <input type="hidden" name="requestType" value={kind} />
      <input type="hidden" name="targetScheduleId" value={targetScheduleId} />
      {kind !== 'SelfDeactivate' && (
        <Field
          label="New length in days"
          name="durationDays"
          type="number"
          min={1}
          value={days}
          onChange={(e) => setDays(e.target.value)}
          errors={errors?.durationDays ?? errors?.endAt}
          hint="Counted from now (extend) or from approval (renew), within the maximum the settings of this scope allow."
        />
      )}
      <JustificationField
        label={kind === 'SelfDeactivate' ? 'Justification (optional)' : 'Justification'}
        value={justification}
        onChange={setJustification}
        errors={errors?.justification}
        hint={kind === 'SelfDeactivate' ? 'Kept in the audit log.' : 'The approver sees it.'}
      />
      <div className="flex gap-2">
        <Button type="submit" variant={copy.danger ? 'danger' : 'primary'} disabled={pending}>
          {pending ? 'Working…' : copy.submit}
        </Button>
        <Button variant="secondary" onClick={onDone}>
          Cancel
        </Button>
      </div>
    </form>
  );
}
