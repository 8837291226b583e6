/**
 * SCIM's own error schema (RFC 7644 §3.12): every failure of /scim/v2 answers with
 * `urn:ietf:params:scim:api:messages:2.0:Error`, the status as a string, a `scimType`
 * where the RFC defines one, and a detail a provisioning administrator can act on.
 */
export const ERROR_URN = 'urn:ietf:params:scim:api:messages:2.0:Error';

export type ScimType =
  | 'invalidFilter'
  | 'tooMany'
  | 'uniqueness'
  | 'mutability'
  | 'invalidSyntax'
  | 'invalidPath'
  | 'noTarget'
  | 'invalidValue'
  | 'invalidVers'
  | 'sensitive';

export class ScimError extends Error {
  readonly status: number;
  readonly scimType?: ScimType;
  constructor(status: number, detail: string, scimType?: ScimType) {
    super(detail);
    this.name = 'ScimError';
    this.status = status;
    this.scimType = scimType;
  }
}

export const badRequest = (scimType: ScimType, detail: string) => new ScimError(400, detail, scimType);
export const notFound = (what: 'User' | 'Group' | 'resource', id: string) =>
  new ScimError(
    404,
    `No ${what === 'resource' ? 'resource' : what.toLowerCase()} with id "${id.slice(0, 100)}" exists for this provisioning client.`,
  );

export function errorBody(e: ScimError): Record<string, unknown> {
  return { schemas: [ERROR_URN], status: String(e.status), ...(e.scimType ? { scimType: e.scimType } : {}), detail: e.message };
}
