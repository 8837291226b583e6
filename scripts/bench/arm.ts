import crypto from 'node:crypto';
import { armError, armSend, type Answer } from './client';

/** The ARM request bodies and paths the benchmark sends (docs/api.md). */

export const ROLE = {
  owner: '8e3af657-a8ff-443c-a75c-2fe8c4bcb635',
  contributor: 'b24988ac-6180-42a0-ab88-20f7382dd24c',
  reader: 'acdd72a7-3385-48ef-bd42-f606fba81ae7',
} as const;

export const AUTH = '/providers/Microsoft.Authorization';
export const V = '2020-10-01';

export const roleDefinitionId = (sub: string, role: string) => `${sub}${AUTH}/roleDefinitions/${role}`;

/** PUT a new request (a fresh GUID as its name); returns the answer and the name. */
export async function putRequest(
  base: string,
  token: string,
  kind: 'eligibility' | 'assignment',
  scope: string,
  props: { principalId: string; role: string; sub: string; requestType: string; duration: string },
): Promise<{ answer: Answer; id: string }> {
  const id = crypto.randomUUID();
  const collection = kind === 'eligibility' ? 'roleEligibilityScheduleRequests' : 'roleAssignmentScheduleRequests';
  const answer = await armSend(base, token, 'PUT', `${scope}${AUTH}/${collection}/${id}?api-version=${V}`, {
    properties: {
      principalId: props.principalId,
      roleDefinitionId: roleDefinitionId(props.sub, props.role),
      requestType: props.requestType,
      scheduleInfo: { expiration: { type: 'AfterDuration', duration: props.duration } },
      justification: 'HTTP benchmark',
    },
  });
  return { answer, id };
}

/** null when the request was created with the expected status, else why not. */
export function expectStatus(a: Answer, status: 'Provisioned' | 'PendingApproval'): string | null {
  if (a.status !== 201) return armError(a);
  const got = (JSON.parse(a.text) as { properties?: { status?: string } }).properties?.status;
  return got === status ? null : `created with status ${got}, expected ${status}`;
}

export async function approve(base: string, token: string, requestId: string): Promise<Answer> {
  return armSend(base, token, 'PUT', `${AUTH}/roleAssignmentApprovals/${requestId}/stages/${requestId}?api-version=2021-01-01-preview`, {
    properties: { reviewResult: 'Approve', justification: 'HTTP benchmark' },
  });
}

export function expectApproved(a: Answer): string | null {
  if (a.status !== 200) return armError(a);
  const r = (JSON.parse(a.text) as { properties?: { reviewResult?: string } }).properties?.reviewResult;
  return r === 'Approve' ? null : `review result ${r}`;
}
