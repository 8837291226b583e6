'use client';

import { useClock } from '@/components/ui/clock';
import { adminAssignmentAction } from '@/app/(portal)/admin/scope/actions';
import { Field } from '@/components/ui/field';
import { ActionDialog } from './action-dialog';
import { WindowFields } from './window-fields';
import { InertButtons, useHydrated } from './hydrated';

export interface RowTarget {
  scheduleId: string;
  kind: 'eligible' | 'active';
  principal: string; // "User:id"
  principalName: string;
  roleId: string;
  roleName: string;
  scopeId: string;
  scopeName: string;
  startAt: number;
  endAt: number | null;
  permanentAllowed: boolean;
  maxDays: number;
  live: boolean;
  canExtend: boolean;
  canRenew: boolean;
}

const DAY = 86_400_000;

/**
 * Update / extend / renew / remove for one direct assignment; each states what it changes
 * and asks why. The dialogs mount after hydration (./hydrated): a page of rows sends the
 * buttons only.
 */
export function AssignmentRowActions({ t }: { t: RowTarget }) {
  const hydrated = useHydrated();
  const now = useClock();
  if (!hydrated) {
    const labels = [...(t.live ? ['Update'] : []), ...(t.canExtend ? ['Extend'] : []), ...(t.canRenew ? ['Renew'] : [])].map((label) => ({
      label,
    }));
    return (
      <div className="flex flex-wrap gap-1">
        <InertButtons labels={[...labels, ...(t.live ? [{ label: 'Remove', variant: 'ghost' as const }] : [])]} />
      </div>
    );
  }
  const hidden = { kind: t.kind, principal: t.principal, roleId: t.roleId, scopeId: t.scopeId, targetScheduleId: t.scheduleId };
  const what = `${t.kind} ${t.roleName} of ${t.principalName} on ${t.scopeName}`;
  const why = (errors: Record<string, string[] | undefined> | undefined, required = false) => (
    <Field
      label={`Justification${required ? '' : ' (optional)'}`}
      name="justification"
      required={required}
      errors={errors?.justification}
      maxLength={1000}
    />
  );
  return (
    <div className="flex flex-wrap gap-1">
      {t.live && (
        <ActionDialog
          action={adminAssignmentAction}
          title={`Update ${what}`}
          buttonLabel="Update"
          submitLabel="Save window"
          hidden={{ ...hidden, requestType: 'AdminUpdate' }}
        >
          {(errors) => (
            <>
              <WindowFields
                permanentAllowed={t.permanentAllowed}
                maxDays={t.maxDays}
                errors={errors}
                defaultStart={t.startAt}
                defaultEnd={t.endAt}
                defaultPermanent={t.endAt === null}
              />
              {why(errors)}
            </>
          )}
        </ActionDialog>
      )}
      {t.canExtend && (
        <ActionDialog
          action={adminAssignmentAction}
          title={`Extend ${what}`}
          buttonLabel="Extend"
          submitLabel="Extend"
          hidden={{ ...hidden, requestType: 'AdminExtend' }}
        >
          {(errors) => (
            <>
              <p className="text-sm">It ends soon. Choose the new end; the start stays as it is.</p>
              <WindowFields
                permanentAllowed={t.permanentAllowed}
                maxDays={t.maxDays}
                errors={errors}
                defaultStart={t.startAt}
                defaultEnd={(t.endAt ?? now) + 30 * DAY}
              />
              {why(errors)}
            </>
          )}
        </ActionDialog>
      )}
      {t.canRenew && (
        <ActionDialog
          action={adminAssignmentAction}
          title={`Renew ${what}`}
          buttonLabel="Renew"
          submitLabel="Renew"
          hidden={{ ...hidden, requestType: 'AdminRenew' }}
        >
          {(errors) => (
            <>
              <p className="text-sm">It ended less than 30 days ago. Renewing makes a new assignment with this window.</p>
              <WindowFields
                permanentAllowed={t.permanentAllowed}
                maxDays={t.maxDays}
                errors={errors}
                defaultEnd={now + Math.min(30, t.maxDays) * DAY}
              />
              {why(errors)}
            </>
          )}
        </ActionDialog>
      )}
      {t.live && (
        <ActionDialog
          action={adminAssignmentAction}
          title={`Remove ${what}?`}
          buttonLabel="Remove"
          variant="ghost"
          submitVariant="danger"
          submitLabel="Remove assignment"
          hidden={{ ...hidden, requestType: 'AdminRemove', duration: 'bound' }}
        >
          {(errors) => (
            <>
              <p className="text-sm">
                {t.principalName} loses{' '}
                {t.kind === 'eligible' ? `eligibility for ${t.roleName} (and any activation that came from it)` : t.roleName} on{' '}
                {t.scopeName} and everything below it, at once.
              </p>
              {why(errors, true)}
            </>
          )}
        </ActionDialog>
      )}
    </div>
  );
}
