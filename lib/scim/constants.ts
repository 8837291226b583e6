/** SCIM 2.0 URNs and limits (RFC 7643, RFC 7644). */
export const USER_URN = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const GROUP_URN = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const ENTERPRISE_URN = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
export const LIST_URN = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
export const PATCH_URN = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
export const SPC_URN = 'urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig';
export const RESOURCE_TYPE_URN = 'urn:ietf:params:scim:schemas:core:2.0:ResourceType';
export const SCHEMA_URN = 'urn:ietf:params:scim:schemas:core:2.0:Schema';

export const SCIM_CONTENT_TYPE = 'application/scim+json; charset=utf-8';

/** A page of a list: Entra asks for 100 at most, Okta for 100 or 200; more per call only costs the server. */
export const DEFAULT_COUNT = 100;
export const MAX_COUNT = 500;
/** Operations in one PATCH: Entra batches up to a few hundred member changes; beyond this the client should split. */
export const MAX_OPERATIONS = 1000;

/** The path prefix the provisioning service is served under. */
export const SCIM_BASE_PATH = '/scim/v2';
