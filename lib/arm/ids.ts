import type { Collection } from './path';

/** Resource ids and type names as ARM spells them. */
export const PROVIDER = 'Microsoft.Authorization';

export const resourceId = (scopeArmId: string, collection: Collection, name: string) =>
  `${scopeArmId}/providers/${PROVIDER}/${collection}/${name}`;

export const resourceType = (collection: Collection) => `${PROVIDER}/${collection}`;

/** Role definition ids carry the subscription they are read under, as Azure's do; tenant scopes get the bare provider path. */
export function roleDefinitionArmId(scopeArmId: string, roleId: string): string {
  const m = /^\/subscriptions\/[^/]+/i.exec(scopeArmId);
  return `${m ? m[0] : ''}/providers/${PROVIDER}/roleDefinitions/${roleId}`;
}

export const approvalArmId = (requestId: string) => `/providers/${PROVIDER}/roleAssignmentApprovals/${requestId}`;
export const stageArmId = (requestId: string) => `${approvalArmId(requestId)}/stages/${requestId}`;

export interface Envelope<P> {
  id: string;
  name: string;
  type: string;
  properties: P;
}

export function envelope<P>(scopeArmId: string, collection: Collection, name: string, properties: P): Envelope<P> {
  return { id: resourceId(scopeArmId, collection, name), name, type: resourceType(collection), properties };
}
