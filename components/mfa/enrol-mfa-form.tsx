'use client';

import { useActionState, useEffect } from 'react';
import { useRouter } from 'next/navigation';
import type { ActionState } from '@/lib/auth/action';
import { Button } from '@/components/ui/button';
import { Field } from '@/components/ui/field';
import { ActionMessage } from '@/components/ui/notice';

interface Offer {
  sealed: string;
  manualKey: string;
  qrDataUrl: string;
}

/** QR code and manual key for an authenticator app, then one code to prove it works. */
export function EnrolMfaForm({
  offer,
  action,
  doneHref,
  onDone,
}: {
  offer: Offer; // eslint-disable-next-line @typescript-eslint/no-explicit-any
  action: (s: ActionState<any>, f: FormData) => Promise<ActionState<any>>;
  doneHref?: string;
  onDone?: () => void;
}) {
  const [state, formAction, pending] = useActionState(action, null);
  const router = useRouter();
  useEffect(() => {
    if (!state?.ok) return;
    if (onDone) onDone();
    else if (doneHref) router.replace(doneHref);
    router.refresh();
  }, [state, router, doneHref, onDone]);
  const errors = state && !state.ok ? state.fieldErrors : undefined;
  return (
    <form action={formAction} className="space-y-4">
      <ActionMessage state={state} />
      <ol className="list-decimal space-y-2 pl-5 text-sm">
        <li>Open an authenticator app (Microsoft Authenticator, Google Authenticator, 1Password…).</li>
        <li>Scan this QR code, or enter the key by hand.</li>
      </ol>
      {/* eslint-disable-next-line @next/next/no-img-element */}
      <img src={offer.qrDataUrl} alt="QR code for your authenticator app" width={200} height={200} className="rounded bg-white p-2" />
      <p className="text-sm">
        Manual key:{' '}
        <code className="select-all rounded bg-slate-100 px-1 font-mono dark:bg-slate-800" aria-label="Manual key">
          {offer.manualKey}
        </code>
      </p>
      <input type="hidden" name="sealed" value={offer.sealed} />
      <Field
        label="6-digit code"
        name="mfaCode"
        inputMode="numeric"
        autoComplete="one-time-code"
        pattern="\d{6}"
        maxLength={6}
        errors={errors?.mfaCode}
        required
      />
      <Button type="submit" disabled={pending}>
        {pending ? 'Checking…' : 'Verify and finish'}
      </Button>
    </form>
  );
}
