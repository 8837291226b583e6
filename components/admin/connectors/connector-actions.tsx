'use client';

import { useEffect } from 'react';
import { useRouter } from 'next/navigation';
import type { ActionState } from '@/lib/auth/action';
import {
  reconcileNowAction,
  redeliverAction,
  removeConnectorAction,
  resumeWebhookAction,
  testConnectionAction,
} from '@/app/(portal)/admin/connectors/actions';
import { Button } from '@/components/ui/button';
import { Notice } from '@/components/ui/notice';
import { ActionDialog } from '../action-dialog';
import { InertButtons, useHydrated } from '../hydrated';
import { useFormAction } from '../use-form-action';

type Act<T> = (s: ActionState<T>, f: FormData) => Promise<ActionState<T>>;

/** A button that runs an action at once (nothing is taken away) and says the result next to it. */
function OneClick<T>({
  action,
  hidden,
  label,
  busy,
  variant = 'secondary',
  result,
}: {
  action: Act<T>;
  hidden: Record<string, string>;
  label: string;
  busy: string;
  variant?: 'primary' | 'secondary';
  result?: (s: NonNullable<ActionState<T>>) => React.ReactNode;
}) {
  const [state, onSubmit, pending] = useFormAction(action);
  const router = useRouter();
  useEffect(() => {
    if (state?.ok) router.refresh();
  }, [state, router]);
  return (
    <form onSubmit={onSubmit} className="space-y-2">
      {Object.entries(hidden).map(([k, v]) => (
        <input key={k} type="hidden" name={k} value={v} />
      ))}
      <Button type="submit" variant={variant} disabled={pending}>
        {pending ? busy : label}
      </Button>
      <div aria-live="polite">
        {state && (result ? result(state) : <Notice tone={state.ok ? 'success' : 'error'}>{state.message}</Notice>)}
      </div>
    </form>
  );
}

/** Signs in to the target (or checks the webhook URL and secret) and shows what it found, inline. */
export function TestConnectionButton({ connectorId }: { connectorId: string }) {
  return (
    <OneClick
      action={testConnectionAction}
      hidden={{ connectorId }}
      label="Test connection"
      busy="Testing…"
      result={(s) => {
        if (!s.ok || !s.data) return <Notice tone="error">{s.message}</Notice>;
        const d = s.data;
        return (
          <Notice tone={d.ok ? 'success' : 'error'} title={d.ok ? 'Connection works' : 'Connection test failed'}>
            <p>{d.message}</p>
            {d.missingTargets.length > 0 && (
              <p className="mt-1">Missing in the target: {d.missingTargets.join(', ')}. Create them, or correct the bindings.</p>
            )}
          </Notice>
        );
      }}
    />
  );
}

export function ReconcileNowButton({ connectorId }: { connectorId: string }) {
  return <OneClick action={reconcileNowAction} hidden={{ connectorId }} label="Reconcile now" busy="Asking…" />;
}

export function ResumeWebhookButton({ connectorId }: { connectorId: string }) {
  return <OneClick action={resumeWebhookAction} hidden={{ connectorId }} label="Resume deliveries" busy="Resuming…" variant="primary" />;
}

/** Sends a logged delivery's event again (same webhook-id); the new attempt appears at the top of the log. */
export function RedeliverButton({ connectorId, deliveryId }: { connectorId: string; deliveryId: number }) {
  return (
    <OneClick
      action={redeliverAction}
      hidden={{ connectorId, deliveryId: String(deliveryId) }}
      label="Redeliver"
      busy="Sending…"
      result={(s) => (
        <p
          className={`text-xs ${s.ok && s.data?.outcome === 'delivered' ? 'text-emerald-800 dark:text-emerald-300' : 'text-red-700 dark:text-red-400'}`}
        >
          {s.message}
        </p>
      )}
    />
  );
}

/** Removal is two-phase: the connector stops granting, Elevate revokes what it granted, then deletes it. */
export function RemoveConnectorButton({
  connectorId,
  name,
  bindings,
  granted,
  webhook,
}: {
  connectorId: string;
  name: string;
  bindings: number;
  granted: number;
  webhook: boolean;
}) {
  const hydrated = useHydrated();
  if (!hydrated) return <InertButtons labels={['Remove connector']} />;
  return (
    <ActionDialog
      action={removeConnectorAction}
      title={`Remove ${name}?`}
      buttonLabel="Remove connector"
      submitLabel="Remove connector"
      submitVariant="danger"
      hidden={{ connectorId }}
    >
      {() =>
        webhook ? (
          <p className="text-sm">
            Deliveries to {name} stop at once and its delivery log is deleted. Events it has not received yet are not sent.
          </p>
        ) : (
          <div className="space-y-2 text-sm">
            <p>
              Access {name} granted is revoked: Elevate removes, in the target, the {granted} grant{granted === 1 ? '' : 's'} it made
              through its {bindings} binding{bindings === 1 ? '' : 's'}, ending those people&apos;s open sessions if the connector is set
              to, then deletes the connector.
            </p>
            <p>Grants made outside Elevate (drift) are left as they are.</p>
          </div>
        )
      }
    </ActionDialog>
  );
}
