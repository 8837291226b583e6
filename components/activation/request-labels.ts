import type { RequestView } from '@/lib/activation/requests-query';
import { requestStateLabel } from '@/components/ui/badge';

export const TYPE_LABEL: Record<string, string> = {
  SelfActivate: 'Activation', SelfDeactivate: 'Deactivation', SelfExtend: 'Extension', SelfRenew: 'Renewal',
  AdminAssign: 'Assignment', AdminUpdate: 'Update', AdminRemove: 'Removal', AdminExtend: 'Extension', AdminRenew: 'Renewal',
};

/** "Approved" reads better than "Provisioned" for a request that needed approval. */
export function stateOf(r: Pick<RequestView, 'status' | 'approvalRequired' | 'decision'>) {
  if (r.status === 'Provisioned' && r.approvalRequired) return 'Approved';
  return requestStateLabel(r.status);
}

export const whatOf = (r: Pick<RequestView, 'roleName' | 'crumbs'>) => `${r.roleName} on ${r.crumbs.map((c) => c.name).join(' › ')}`;
