'use client';

import { useFormAction } from './use-form-action';
import { useEffect } from 'react';
import { useRouter } from 'next/navigation';
import { createGroupAction } from '@/app/(portal)/admin/users/actions';
import { Button } from '@/components/ui/button';
import { Field } from '@/components/ui/field';
import { ActionMessage } from '@/components/ui/notice';

export function CreateGroupForm() {
  const [state, onSubmit, pending] = useFormAction(createGroupAction);
  const router = useRouter();
  useEffect(() => {
    if (state?.ok) router.refresh();
  }, [state, router]);
  const v = state && !state.ok ? state.values : undefined;
  const errors = state && !state.ok ? state.fieldErrors : undefined;
  return (
    <form onSubmit={onSubmit} className="space-y-3">
      <ActionMessage state={state} />
      <Field label="Group name" name="name" required maxLength={100} defaultValue={v?.name ? String(v.name) : ''} errors={errors?.name} />
      <Field label="Description (optional)" name="description" maxLength={500} defaultValue={v?.description ? String(v.description) : ''} />
      <Button type="submit" disabled={pending}>
        Create group
      </Button>
    </form>
  );
}
