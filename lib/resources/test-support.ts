import crypto from 'node:crypto';
import { settingsToRow } from '@/db/mappers';
import { resources } from '@/db/schema';
import { generateTenant, type TenantShape } from '@/lib/policy/testing/generate';
import type { ResourceFact, ScheduleFact, SettingsFact, TenantSnapshot } from '@/lib/policy';
import type { freshDb } from '@/tests/support/db';

type T = ReturnType<typeof freshDb>;

const KIND_TYPE = {
  managementGroup: 'Microsoft.Management/managementGroups',
  subscription: 'Microsoft.Resources/subscriptions',
  resourceGroup: 'Microsoft.Resources/resourceGroups',
  resource: 'Microsoft.Compute/virtualMachines',
} as const;

/** Resources straight into SQL, parents first (the path trigger hangs each under its parent). */
export function addResources(t: T, list: ResourceFact[], createdAt = t.now): void {
  const tenantId = t.db.select({ tenantId: resources.tenantId }).from(resources).limit(1).get()!.tenantId;
  const insert = t.sqlite
    .prepare(`INSERT INTO resources (id, arm_id, tenant_id, kind, type, name, display_name, parent_id, managed, created_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  t.sqlite.transaction(() => {
    for (const r of list)
      insert.run(r.id, r.id, tenantId, r.kind, KIND_TYPE[r.kind], r.name, r.name, r.parentId, r.managed ? 1 : 0, createdAt);
  })();
}

export function addSchedules(t: T, list: ScheduleFact[]): void {
  const elig = t.sqlite
    .prepare(`INSERT INTO eligibility_schedules (id, principal_type, principal_id, role_id, scope_id, start_at, end_at, created_at, updated_at, revoked_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const asgn = t.sqlite
    .prepare(`INSERT INTO assignment_schedules (id, principal_type, principal_id, role_id, scope_id, start_at, end_at, created_at, updated_at,
      revoked_at, origin)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  t.sqlite.transaction(() => {
    for (const s of list) {
      const v = [
        s.id,
        s.principal.type,
        s.principal.id,
        s.roleId,
        s.scopeId,
        s.startAt,
        s.endAt,
        s.startAt,
        s.startAt,
        s.revokedAt,
      ] as const;
      if (s.kind === 'eligible') elig.run(...v);
      else asgn.run(...v, s.origin);
    }
  })();
}

export function addSettings(t: T, list: SettingsFact[]): void {
  const cols = [
    'activation_max_minutes',
    'activation_require_mfa',
    'activation_require_justification',
    'activation_require_ticket',
    'approval_required',
    'approval_timeout_minutes',
    'approver_justification_required',
    'approval_require_mfa',
    'eligible_permanent_allowed',
    'eligible_max_days',
    'active_permanent_allowed',
    'active_max_days',
    'active_require_mfa',
    'active_require_justification',
    'notifications',
  ];
  const insert = t.sqlite.prepare(
    `INSERT INTO role_settings (id, scope_id, role_id, ${cols.join(', ')}, updated_at) VALUES (?, ?, ?, ${cols.map(() => '?').join(', ')}, ?)`,
  );
  const approver = t.sqlite.prepare(
    'INSERT OR IGNORE INTO role_setting_approvers (settings_id, principal_type, principal_id) VALUES (?, ?, ?)',
  );
  t.sqlite.transaction(() => {
    for (const s of list) {
      const id = crypto.randomUUID();
      const row = settingsToRow(s.settings);
      const values = Object.values(row).map((v) => (typeof v === 'boolean' ? (v ? 1 : 0) : v));
      insert.run(id, s.scopeId, s.roleId, ...values, t.now);
      for (const a of s.settings.approvers) approver.run(id, a.type, a.id);
    }
  })();
}

/**
 * A generated enterprise-shaped tenant (lib/policy/testing/generate.ts) written into the
 * test database beside the demo tenant: its resources, custom roles, schedules and
 * settings. Principals stay generated ids (no accounts): enough for trees, lists, alerts.
 */
export function loadGenerated(t: T, shape: Partial<TenantShape> & { resources: number }): TenantSnapshot {
  const snap = generateTenant({ users: 50, groups: 5, schedules: 0, settings: 0, seed: 7, now: t.now, customRoles: 0, ...shape });
  addResources(t, snap.resources);
  addSchedules(t, snap.schedules);
  addSettings(t, snap.settings);
  return snap;
}
