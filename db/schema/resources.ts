import { integer, sqliteTable, text, index, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { tenants, users } from './identity';

/**
 * A node of the resource tree. `id` is the canonical lower-case ARM path (ids compare
 * case-insensitively, so the key is normalised once); `armId` keeps the casing the
 * resource was created with, for display and API output.
 */
export const resources = sqliteTable(
  'resources',
  {
    id: text('id').primaryKey(),
    armId: text('arm_id').notNull(),
    tenantId: text('tenant_id')
      .notNull()
      .references(() => tenants.id),
    kind: text('kind', { enum: ['managementGroup', 'subscription', 'resourceGroup', 'resource'] }).notNull(),
    /** provider type, e.g. Microsoft.Compute/virtualMachines */
    type: text('type').notNull(),
    name: text('name').notNull(),
    displayName: text('display_name').notNull(),
    parentId: text('parent_id'),
    managed: integer('managed', { mode: 'boolean' }).notNull().default(false),
    managedAt: integer('managed_at'),
    managedBy: text('managed_by').references(() => users.id),
    createdAt: integer('created_at').notNull(),
    /**
     * Materialised path of row ids, root first: '/12/40/977/'. Maintained by triggers
     * (db/migrations/0003_resource_path.sql). Descendants of r are the rows with
     * path > r.path AND path < pathUpperBound(r.path): one index range, never an id list.
     */
    path: text('path').notNull().default(''),
  },
  (t) => [
    index('resources_parent').on(t.parentId),
    index('resources_tenant_kind').on(t.tenantId, t.kind),
    index('resources_path').on(t.path),
  ],
);

export const roleDefinitions = sqliteTable(
  'role_definitions',
  {
    /** Azure's GUID for built-ins */
    id: text('id').primaryKey(),
    tenantId: text('tenant_id').references(() => tenants.id),
    name: text('name').notNull(),
    description: text('description').notNull().default(''),
    roleType: text('role_type', { enum: ['BuiltInRole', 'CustomRole'] }).notNull(),
    /** JSON: [{actions, notActions, dataActions, notDataActions}] */
    permissions: text('permissions').notNull().default('[]'),
    /** JSON array of assignable scope ids */
    assignableScopes: text('assignable_scopes').notNull().default('["/"]'),
    privileged: integer('privileged', { mode: 'boolean' }).notNull().default(false),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [uniqueIndex('role_definitions_name').on(t.tenantId, t.name)],
);

export type Resource = typeof resources.$inferSelect;
export type NewResource = typeof resources.$inferInsert;
export type RoleDefinition = typeof roleDefinitions.$inferSelect;
