'use client';

import { removeBindingAction, setBindingModeAction } from '@/app/(portal)/admin/connectors/actions';
import { ActionDialog } from '../action-dialog';
import { InertButtons, useHydrated } from '../hydrated';

/**
 * Mode switch and removal of one binding, each confirmed with what it will do: enforcing
 * revokes access found outside Elevate, removing revokes what Elevate granted.
 */
export function BindingActions({
  bindingId,
  scope,
  mode,
  granted,
  drift,
}: {
  bindingId: string;
  scope: string;
  mode: 'report' | 'enforce';
  granted: number;
  drift: number;
}) {
  const hydrated = useHydrated();
  const next = mode === 'report' ? 'enforce' : 'report';
  const switchLabel = `Switch to ${next}`;
  if (!hydrated)
    return (
      <div className="flex flex-wrap gap-1">
        <InertButtons labels={[{ label: switchLabel }, { label: 'Remove binding', variant: 'ghost' }]} />
      </div>
    );
  return (
    <div className="flex flex-wrap gap-1">
      <ActionDialog
        action={setBindingModeAction}
        title={`${next === 'enforce' ? 'Enforce' : 'Report only'} on ${scope}?`}
        buttonLabel={switchLabel}
        submitLabel={switchLabel}
        submitVariant={next === 'enforce' ? 'danger' : 'primary'}
        hidden={{ bindingId, mode: next }}
      >
        {() =>
          next === 'enforce' ? (
            <p className="text-sm">
              At the next full reconcile (within seconds), Elevate revokes every membership in this binding&apos;s targets that it did not
              grant
              {drift > 0 ? `, starting with the ${drift} open drift finding${drift === 1 ? '' : 's'} listed under it` : ''}. Only access
              through Elevate remains.
            </p>
          ) : (
            <p className="text-sm">
              Elevate keeps granting and revoking what it manages, and only lists memberships it did not grant; it no longer revokes them.
            </p>
          )
        }
      </ActionDialog>
      <ActionDialog
        action={removeBindingAction}
        title={`Remove the binding on ${scope}?`}
        buttonLabel="Remove binding"
        variant="ghost"
        submitLabel="Remove binding"
        submitVariant="danger"
        hidden={{ bindingId }}
      >
        {() => (
          <p className="text-sm">
            Elevate revokes the {granted} grant{granted === 1 ? '' : 's'} it made through this binding, so the people holding them lose that
            access in the target at once, then forgets the binding. Memberships Elevate did not grant are left as they are.
          </p>
        )}
      </ActionDialog>
    </div>
  );
}
