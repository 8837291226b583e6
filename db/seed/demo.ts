import crypto from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { defaultSettingsFor } from '@/lib/policy';
import { hashPasswordSync } from '@/lib/crypto/password';
import { seal } from '@/lib/crypto/seal';
import { writeAudit } from '@/lib/audit/write';
import { managementGroupId } from '@/lib/resources/arm-id';
import type { Db, Tx } from '../client';
import * as s from '../schema';
import { BUILTIN_ROLES, OWNER, READER, CONTRIBUTOR, USER_ACCESS_ADMINISTRATOR } from '../builtin-roles';
import { settingsToRow } from '../mappers';

export const DEMO_TENANT_ID = '7f3c2a1e-4b5d-4e6f-8a9b-0c1d2e3f4a5b';
export const DEMO_SUBSCRIPTION = '/subscriptions/5e1f0c4a-2b7d-4c1e-9a3b-6d8f0e2a1c55';
export const DEMO_PASSWORD = 'elevate-demo';
export const DEMO_TOTP_SECRET = 'JBSWY3DPEHPK3PXP';
export const DEMO_USERS = {
  steve: { email: 'steve@bluewidget.test', displayName: 'Steve Admin' },
  jen: { email: 'jen@bluewidget.test', displayName: 'Jen' },
  avery: { email: 'avery@bluewidget.test', displayName: 'Avery' },
  sam: { email: 'sam@bluewidget.test', displayName: 'Sam' },
} as const;

const DAY = 86_400_000;
const SYSTEM = { id: null, name: 'Elevate (setup)' };

/** Tenant, root management group and built-in roles: what every installation needs. */
function baseTenant(tx: Tx, now: number, name: string): { rootId: string } {
  const rootArm = managementGroupId(DEMO_TENANT_ID);
  const rootId = rootArm.toLowerCase();
  tx.insert(s.tenants).values({ id: DEMO_TENANT_ID, name, rootResourceId: rootId, createdAt: now }).run();
  tx.insert(s.resources)
    .values({
      id: rootId,
      armId: rootArm,
      tenantId: DEMO_TENANT_ID,
      kind: 'managementGroup',
      type: 'Microsoft.Management/managementGroups',
      name: DEMO_TENANT_ID,
      displayName: 'Tenant Root Group',
      parentId: null,
      managed: false,
      createdAt: now,
    })
    .run();
  for (const r of BUILTIN_ROLES) {
    tx.insert(s.roleDefinitions)
      .values({
        id: r.id,
        tenantId: null,
        name: r.name,
        description: r.description,
        roleType: 'BuiltInRole',
        permissions: JSON.stringify(r.permissions),
        privileged: r.privileged,
        createdAt: now,
      })
      .run();
  }
  return { rootId };
}

const isEmpty = (db: Db) => !db.select({ id: s.tenants.id }).from(s.tenants).limit(1).get();

/**
 * Without the demo: a tenant with an initial administrator (`email`: config().adminEmail,
 * ELEVATE_ADMIN_EMAIL) whose one-time password is printed once to the server log and must be
 * changed at first sign-in.
 */
export function ensureTenant(db: Db, now: number, email: string) {
  if (!isEmpty(db)) return;
  const password = crypto.randomBytes(12).toString('base64url');
  db.transaction(
    (tx) => {
      baseTenant(tx, now, 'Elevate');
      const id = crypto.randomUUID();
      tx.insert(s.users)
        .values({
          id,
          tenantId: DEMO_TENANT_ID,
          email,
          displayName: 'Administrator',
          passwordHash: hashPasswordSync(password),
          mustChangePassword: true,
          mustEnrolMfa: true,
          isPimAdmin: true,
          createdAt: now,
        })
        .run();
      writeAudit(tx, { at: now, actor: SYSTEM, action: 'Tenant created', principal: { type: 'User', id, name: email } });
    },
    { behavior: 'immediate' },
  );
  console.log(`[elevate] Initial administrator ${email} with one-time password: ${password}  (change it at first sign-in)`);
}

/** The Blue Widget Co story of DESIGN.md, exactly. Runs once, on an empty database. */
export function seedDemoTenant(db: Db, now: number, totpKey: Buffer) {
  if (!isEmpty(db)) return;
  db.transaction(
    (tx) => {
      const { rootId } = baseTenant(tx, now, 'Blue Widget Co');
      const res = (armId: string, kind: s.Resource['kind'], type: string, name: string, parentId: string) => {
        const id = armId.toLowerCase();
        tx.insert(s.resources)
          .values({
            id,
            armId,
            tenantId: DEMO_TENANT_ID,
            kind,
            type,
            name,
            displayName: name,
            parentId,
            managed: true,
            managedAt: now,
            createdAt: now,
          })
          .run();
        return id;
      };
      tx.update(s.resources).set({ managed: true, managedAt: now }).where(eq(s.resources.id, rootId)).run();
      const sub = res(DEMO_SUBSCRIPTION, 'subscription', 'Microsoft.Resources/subscriptions', 'Blue Widget Co', rootId);
      const groups: Record<string, string> = {};
      for (const g of ['finance-test', 'finance-dev', 'finance-prod']) {
        const rgArm = `${DEMO_SUBSCRIPTION}/resourceGroups/${g}`;
        groups[g] = res(rgArm, 'resourceGroup', 'Microsoft.Resources/resourceGroups', g, sub);
        for (const vm of ['vm1', 'vm2']) {
          res(
            `${rgArm}/providers/Microsoft.Compute/virtualMachines/${g}-${vm}`,
            'resource',
            'Microsoft.Compute/virtualMachines',
            `${g}-${vm}`,
            groups[g],
          );
        }
      }

      const passwordHash = hashPasswordSync(DEMO_PASSWORD);
      const ids: Record<keyof typeof DEMO_USERS, string> = { steve: '', jen: '', avery: '', sam: '' };
      for (const [key, u] of Object.entries(DEMO_USERS) as [keyof typeof DEMO_USERS, (typeof DEMO_USERS)[keyof typeof DEMO_USERS]][]) {
        ids[key] = crypto.randomUUID();
        tx.insert(s.users)
          .values({
            id: ids[key],
            tenantId: DEMO_TENANT_ID,
            email: u.email,
            displayName: u.displayName,
            passwordHash,
            totpSecretEnc: seal(DEMO_TOTP_SECRET, totpKey),
            totpEnrolledAt: now,
            isPimAdmin: key === 'steve',
            isDemo: true,
            createdAt: now,
          })
          .run();
      }
      const steve = { id: ids.steve, name: DEMO_USERS.steve.displayName };

      const assign = (
        kind: 'eligibility' | 'assignment',
        who: keyof typeof DEMO_USERS,
        roleId: string,
        scopeId: string,
        endAt: number | null,
      ) => {
        const requestId = crypto.randomUUID();
        const scheduleId = crypto.randomUUID();
        const role = BUILTIN_ROLES.find((r) => r.id === roleId)!;
        const justification = 'Demo tenant setup';
        tx.insert(s.requests)
          .values({
            id: requestId,
            kind,
            requestType: 'AdminAssign',
            status: 'Provisioned',
            requesterId: ids.steve,
            principalType: 'User',
            principalId: ids[who],
            roleId,
            scopeId,
            justification,
            startAt: now,
            endAt,
            targetScheduleId: scheduleId,
            createdAt: now,
            completedAt: now,
          })
          .run();
        const row = {
          id: scheduleId,
          principalType: 'User' as const,
          principalId: ids[who],
          roleId,
          scopeId,
          startAt: now,
          endAt,
          createdAt: now,
          createdBy: who === 'steve' ? null : ids.steve,
          requestId,
          updatedAt: now,
        };
        // Steve's own standing access comes with the tenant (no creator), not from Steve: rule 10's alert stays quiet on the demo
        if (kind === 'eligibility') tx.insert(s.eligibilitySchedules).values(row).run();
        else
          tx.insert(s.assignmentSchedules)
            .values({ ...row, origin: 'assigned' })
            .run();
        writeAudit(tx, {
          at: now,
          actor: steve,
          action: kind === 'eligibility' ? 'Eligible assignment added' : 'Active assignment added',
          principal: { type: 'User', id: ids[who], name: DEMO_USERS[who].displayName },
          role: { id: roleId, name: role.name },
          scopeId,
          requestId,
          justification,
          details: { startAt: now, endAt },
        });
      };
      assign('assignment', 'steve', USER_ACCESS_ADMINISTRATOR, sub, null);
      assign('eligibility', 'jen', OWNER, sub, now + 365 * DAY);
      assign('assignment', 'sam', READER, groups['finance-dev'], now + 30 * DAY);
      assign('eligibility', 'sam', CONTRIBUTOR, groups['finance-dev'], now + 365 * DAY);

      // Owner needs Avery's approval on the subscription and on finance-prod; finance-test and finance-dev keep the defaults.
      for (const scopeId of [sub, groups['finance-prod']]) {
        const settingsId = crypto.randomUUID();
        tx.insert(s.roleSettings)
          .values({
            id: settingsId,
            scopeId,
            roleId: OWNER,
            ...settingsToRow({ ...defaultSettingsFor(OWNER), approvalRequired: true }),
            updatedAt: now,
            updatedBy: ids.steve,
          })
          .run();
        tx.insert(s.roleSettingApprovers).values({ settingsId, principalType: 'User', principalId: ids.avery }).run();
        writeAudit(tx, {
          at: now,
          actor: steve,
          action: 'Role settings updated',
          role: { id: OWNER, name: 'Owner' },
          scopeId,
          details: { approvalRequired: true, approvers: [DEMO_USERS.avery.email] },
        });
      }
      writeAudit(tx, { at: now, actor: SYSTEM, action: 'Demo tenant seeded', details: { tenant: 'Blue Widget Co' } });
      tx.run(sql`UPDATE tenant_revision SET revision = revision + 1 WHERE id = 1`);
    },
    { behavior: 'immediate' },
  );
}
