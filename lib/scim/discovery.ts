import {
  ENTERPRISE_URN,
  GROUP_URN,
  LIST_URN,
  MAX_COUNT,
  MAX_OPERATIONS,
  RESOURCE_TYPE_URN,
  SCHEMA_URN,
  SPC_URN,
  USER_URN,
} from './constants';
import { notFound } from './errors';

/** The discovery endpoints (RFC 7644 §4): what Elevate's SCIM service supports, and the schemas it speaks. Pure. */

export function serviceProviderConfig(baseUrl: string) {
  return {
    schemas: [SPC_URN],
    patch: { supported: true },
    bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
    filter: { supported: true, maxResults: MAX_COUNT },
    changePassword: { supported: false },
    sort: { supported: false },
    etag: { supported: true },
    authenticationSchemes: [
      {
        type: 'oauthbearertoken',
        name: 'OAuth Bearer Token',
        primary: true,
        description: 'A SCIM token created under Admin › Users and groups › Provisioning, sent as "Authorization: Bearer scim_…".',
      },
    ],
    meta: { resourceType: 'ServiceProviderConfig', location: `${baseUrl}/ServiceProviderConfig` },
    'urn:elevate:scim:limits': { maxOperations: MAX_OPERATIONS },
  };
}

function resourceType(baseUrl: string, name: 'User' | 'Group') {
  return {
    schemas: [RESOURCE_TYPE_URN],
    id: name,
    name,
    endpoint: `/${name}s`,
    description:
      name === 'User' ? 'A person who signs in to Elevate through single sign-on' : 'A group whose members receive what it is assigned',
    schema: name === 'User' ? USER_URN : GROUP_URN,
    ...(name === 'User' ? { schemaExtensions: [{ schema: ENTERPRISE_URN, required: false }] } : {}),
    meta: { resourceType: 'ResourceType', location: `${baseUrl}/ResourceTypes/${name}` },
  };
}

type Attr = Record<string, unknown>;
const attr = (name: string, extra: Attr = {}): Attr => ({
  name,
  type: 'string',
  multiValued: false,
  required: false,
  caseExact: false,
  mutability: 'readWrite',
  returned: 'default',
  uniqueness: 'none',
  ...extra,
});
const complex = (name: string, subAttributes: Attr[], extra: Attr = {}) => attr(name, { type: 'complex', subAttributes, ...extra });
const multi = (name: string) =>
  complex(name, [attr('value'), attr('display'), attr('type'), attr('primary', { type: 'boolean' })], { multiValued: true });

const SCHEMAS: Record<string, { name: string; description: string; attributes: Attr[] }> = {
  [USER_URN]: {
    name: 'User',
    description: 'User Account',
    attributes: [
      attr('userName', {
        required: true,
        uniqueness: 'server',
        description: 'Sign-in name and e-mail address; unique without regard to case',
      }),
      complex(
        'name',
        ['formatted', 'familyName', 'givenName', 'middleName', 'honorificPrefix', 'honorificSuffix'].map((n) => attr(n)),
      ),
      attr('displayName'),
      attr('nickName'),
      attr('title'),
      attr('userType'),
      attr('preferredLanguage'),
      attr('locale'),
      attr('timezone'),
      attr('active', {
        type: 'boolean',
        description: 'false disables the user at once: sessions, API tokens, activations and pending requests end',
      }),
      attr('externalId', { caseExact: true }),
      multi('emails'),
      multi('phoneNumbers'),
      complex(
        'addresses',
        ['formatted', 'streetAddress', 'locality', 'region', 'postalCode', 'country', 'type'].map((n) => attr(n)),
        { multiValued: true },
      ),
      complex('groups', [attr('value', { mutability: 'readOnly' }), attr('display', { mutability: 'readOnly' })], {
        multiValued: true,
        mutability: 'readOnly',
        returned: 'never',
      }),
      multi('roles'),
    ],
  },
  [GROUP_URN]: {
    name: 'Group',
    description: 'Group',
    attributes: [
      attr('displayName', { required: true, uniqueness: 'server' }),
      attr('externalId', { caseExact: true }),
      complex(
        'members',
        [
          attr('value', { mutability: 'immutable' }),
          attr('display', { mutability: 'readOnly' }),
          attr('type', { mutability: 'immutable' }),
        ],
        { multiValued: true },
      ),
    ],
  },
  [ENTERPRISE_URN]: {
    name: 'EnterpriseUser',
    description: 'Enterprise User (kept as sent; decides nothing in Elevate)',
    attributes: [
      attr('employeeNumber'),
      attr('costCenter'),
      attr('organization'),
      attr('division'),
      attr('department'),
      complex('manager', [attr('value'), attr('displayName', { mutability: 'readOnly' })]),
    ],
  },
};

const schemaResource = (baseUrl: string, id: string) => ({
  schemas: [SCHEMA_URN],
  id,
  ...SCHEMAS[id],
  meta: { resourceType: 'Schema', location: `${baseUrl}/Schemas/${id}` },
});

const list = (items: unknown[]) => ({
  schemas: [LIST_URN],
  totalResults: items.length,
  startIndex: 1,
  itemsPerPage: items.length,
  Resources: items,
});

export function resourceTypes(baseUrl: string, id?: string) {
  if (id === undefined) return list([resourceType(baseUrl, 'User'), resourceType(baseUrl, 'Group')]);
  const name = ['User', 'Group'].find((n) => n.toLowerCase() === id.toLowerCase()) as 'User' | 'Group' | undefined;
  if (!name) throw notFound('resource', id);
  return resourceType(baseUrl, name);
}

export function schemas(baseUrl: string, id?: string) {
  if (id === undefined) return list(Object.keys(SCHEMAS).map((s) => schemaResource(baseUrl, s)));
  const key = Object.keys(SCHEMAS).find((s) => s.toLowerCase() === id.toLowerCase());
  if (!key) throw notFound('resource', id);
  return schemaResource(baseUrl, key);
}
