import 'server-only';
import type { DbOrTx } from '@/db/client';
import { policyIndex } from '@/lib/tenant/engine';
import { nameLookup } from '@/lib/resources/names';
import { scopeName } from './names';
import type { ActivationSubmission } from './submit';

export interface SubmittedLine {
  requestId: string;
  status: 'Provisioned' | 'PendingApproval';
  role: string;
  scope: string;
  scopePath: string;
  startAt: number;
  endAt: number;
  approvers: string[];
  approvalDeadline: number | null;
}

/** A submission as people read it: per scope, active until when or waiting for whom. */
export function describeSubmission(db: DbOrTx, s: ActivationSubmission): { summary: string; lines: SubmittedLine[] } {
  const index = policyIndex(db);
  const names = nameLookup(index);
  const lines = s.requests.map((r) => ({
    requestId: r.requestId,
    status: r.status,
    role: names.role(r.roleId),
    scope: scopeName(index, r.scopeId),
    scopePath: names.scope(r.scopeId),
    startAt: r.startAt,
    endAt: r.endAt,
    approvers: r.approverUserIds.map((id) => names.principal({ type: 'User', id })),
    approvalDeadline: r.approvalDeadline,
  }));
  const active = lines.filter((l) => l.status === 'Provisioned').length;
  const pending = lines.length - active;
  const parts = [active ? `${active} active at once` : '', pending ? `${pending} waiting for approval` : ''].filter(Boolean);
  return { summary: `Submitted ${lines.length} request${lines.length === 1 ? '' : 's'}: ${parts.join(', ')}.`, lines };
}
