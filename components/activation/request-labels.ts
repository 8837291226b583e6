import type { RequestView } from '@/lib/activation/requests-query';
import type { ActivationNow } from '@/lib/portal/request-now';
import { requestStateLabel } from '@/components/ui/badge';

export const TYPE_LABEL: Record<string, string> = {
  SelfActivate: 'Activation',
  SelfDeactivate: 'Deactivation',
  SelfExtend: 'Extension',
  SelfRenew: 'Renewal',
  AdminAssign: 'Assignment',
  AdminUpdate: 'Update',
  AdminRemove: 'Removal',
  AdminExtend: 'Extension',
  AdminRenew: 'Renewal',
};

/**
 * The state a person reads for a request, in the portal's vocabulary (Azure's "Provisioned"
 * stays in the API): an activation says what its access is now (Active, Scheduled, Expired,
 * Revoked, as My roles does); other carried-out requests say Approved, or Active when they
 * needed no approval; a deactivation says Deactivated.
 */
export function stateOf(
  r: Pick<RequestView, 'status' | 'approvalRequired' | 'requestType'>,
  activation?: Pick<ActivationNow, 'status'> | null,
): string {
  if (r.status !== 'Provisioned') return requestStateLabel(r.status);
  if (r.requestType === 'SelfDeactivate') return 'Deactivated';
  if (r.requestType === 'SelfActivate' && activation) return activation.status;
  return r.approvalRequired ? 'Approved' : 'Active';
}

export const whatOf = (r: Pick<RequestView, 'roleName' | 'crumbs'>) => `${r.roleName} on ${r.crumbs.map((c) => c.name).join(' › ')}`;
