/** The four built-in roles, with Azure's own GUIDs so scripts written for Azure work unchanged. */
export const BUILTIN_ROLES = [
  {
    id: '8e3af657-a8ff-443c-a75c-2fe8c4bcb635',
    name: 'Owner',
    description: 'Grants full access to manage all resources, including the ability to assign roles.',
    permissions: [{ actions: ['*'], notActions: [], dataActions: [], notDataActions: [] }],
    privileged: true,
  },
  {
    id: 'b24988ac-6180-42a0-ab88-20f7382dd24c',
    name: 'Contributor',
    description: 'Grants full access to manage all resources, but does not allow you to assign roles.',
    permissions: [
      {
        actions: ['*'],
        notActions: ['Microsoft.Authorization/*/Delete', 'Microsoft.Authorization/*/Write', 'Microsoft.Authorization/elevateAccess/Action'],
        dataActions: [],
        notDataActions: [],
      },
    ],
    privileged: true,
  },
  {
    id: 'acdd72a7-3385-48ef-bd42-f606fba81ae7',
    name: 'Reader',
    description: 'View all resources, but does not allow you to make any changes.',
    permissions: [{ actions: ['*/read'], notActions: [], dataActions: [], notDataActions: [] }],
    privileged: false,
  },
  {
    id: '18d7d88d-d35e-4fb5-a5c3-7773c20a72d9',
    name: 'User Access Administrator',
    description: 'Lets you manage user access to resources.',
    permissions: [
      { actions: ['*/read', 'Microsoft.Authorization/*', 'Microsoft.Support/*'], notActions: [], dataActions: [], notDataActions: [] },
    ],
    privileged: true,
  },
] as const;

export const OWNER = BUILTIN_ROLES[0].id;
export const CONTRIBUTOR = BUILTIN_ROLES[1].id;
export const READER = BUILTIN_ROLES[2].id;
export const USER_ACCESS_ADMINISTRATOR = BUILTIN_ROLES[3].id;
