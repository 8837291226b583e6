import 'server-only';
import crypto from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import type { Db, Tx } from '@/db/client';
import { roleSettings, roleSettingApprovers } from '@/db/schema';
import { settingsToRow } from '@/db/mappers';
import { settingsFor, validateSettings, type PolicyIndex, type RoleSettings } from '@/lib/policy';
import { ElevateError } from '@/lib/errors';
import { writeAudit } from '@/lib/audit/write';
import { policyIndex } from '@/lib/tenant/engine';
import { nodeOf } from '@/lib/policy/tenant-index';
import { evaluateSettingsChange } from '@/lib/policy/separation';
import { adminRefusal } from '@/lib/assignments/errors';
import { requireManagementAccess } from '@/lib/resources/access';
import { managedBelow } from '@/lib/resources/levels';
import { settingsDiff, settingsViolationText } from './diff';

export { settingsDiff, settingsViolationText } from './diff';
export { weakerChildrenOf, weakerChildrenSql, type WeakerChildren } from './weaker';

type Actor = { id: string; displayName: string };

/** The settings of exactly this (scope, role), and whether they are explicit or the defaults (never inherited). */
export function getRoleSettings(db: Db | Tx, scopeId: string, roleId: string): { settings: RoleSettings; explicit: boolean } {
  const g = settingsFor(policyIndex(db), scopeId.toLowerCase(), roleId);
  return { settings: g.settings, explicit: g.explicit };
}

export interface SaveSettingsInput {
  scopeId: string;
  roleId: string;
  settings: RoleSettings;
  /** also write the same settings at every managed descendant scope */
  applyToChildren?: boolean;
}

function checkInput(index: PolicyIndex, input: SaveSettingsInput): void {
  const fieldErrors: Record<string, string[]> = {};
  for (const v of validateSettings(input.settings)) (fieldErrors[v.setting] ??= []).push(settingsViolationText(v));
  for (const a of Array.isArray(input.settings.approvers) ? input.settings.approvers : []) {
    const known = a.type === 'User' ? index.users.get(a.id) : index.groups.get(a.id);
    if (!known) (fieldErrors.approvers ??= []).push(`Approver ${a.id} does not exist.`);
    else if (a.type === 'User' && index.users.get(a.id)?.disabled)
      (fieldErrors.approvers ??= []).push(`${index.users.get(a.id)!.displayName} is disabled.`);
  }
  if (!index.roles.has(input.roleId)) fieldErrors.roleId = ['That role does not exist.'];
  if (Object.keys(fieldErrors).length) throw new ElevateError('InvalidRequest', 'Check the highlighted fields.', { fieldErrors });
}

function writeOne(
  tx: Tx,
  index: PolicyIndex,
  actor: Actor,
  scopeId: string,
  roleId: string,
  next: RoleSettings,
  now: number,
  appliedFrom: string | null,
) {
  const before = settingsFor(index, scopeId, roleId);
  const values = { ...settingsToRow(next), updatedAt: now, updatedBy: actor.id };
  tx.insert(roleSettings)
    .values({ id: crypto.randomUUID(), scopeId, roleId, ...values })
    .onConflictDoUpdate({ target: [roleSettings.scopeId, roleSettings.roleId], set: values })
    .run();
  const row = tx
    .select({ id: roleSettings.id })
    .from(roleSettings)
    .where(and(eq(roleSettings.scopeId, scopeId), eq(roleSettings.roleId, roleId)))
    .get()!;
  tx.delete(roleSettingApprovers).where(eq(roleSettingApprovers.settingsId, row.id)).run();
  const seen = new Set<string>();
  for (const a of next.approvers) {
    if (seen.has(`${a.type}:${a.id}`)) continue;
    seen.add(`${a.type}:${a.id}`);
    tx.insert(roleSettingApprovers).values({ settingsId: row.id, principalType: a.type, principalId: a.id }).run();
  }
  writeAudit(tx, {
    at: now,
    actor: { id: actor.id, name: actor.displayName },
    action: 'Role settings updated',
    role: { id: roleId, name: index.roles.get(roleId)?.name },
    scopeId,
    details: { changes: settingsDiff(before.settings, next), wasExplicit: before.explicit, ...(appliedFrom ? { appliedFrom } : {}) },
  });
}

/** Child scopes written per audit page: the audit chain is appended in JS, a page at a time. */
const AUDIT_PAGE = 500;

/**
 * Saves explicit settings for (scope, role), optionally also at every managed child
 * scope, once the engine agrees (rule 7, and rule 10: never weaker where the actor holds
 * the role there or above). Only future requests see them: requests snapshot their governing settings and
 * existing assignments are never touched.
 *
 * Applying to children is a change the person asked for over the whole subtree, so it
 * costs what the subtree costs, but set-based: one INSERT … SELECT over the subtree's path
 * range writes every child's settings (and one more their approvers), and the audit
 * events — one per child, with what changed there — are written a page of children at a
 * time. No list of the subtree's ids is ever built.
 */
export function saveRoleSettings(db: Db, actor: Actor, input: SaveSettingsInput, now: number): { scopeId: string; children: number } {
  return db.transaction(
    (tx) => {
      const index = policyIndex(tx);
      const node = nodeOf(index, input.scopeId);
      if (!node) throw new ElevateError('NotFound', 'That scope does not exist.');
      const scopeId = node.fact.id;
      // management access at a scope reaches every scope below it (rule 7: "at that scope or above")
      requireManagementAccess(index, actor.id, scopeId, now);
      checkInput(index, input);
      const next: RoleSettings = {
        ...input.settings,
        approvers: [...input.settings.approvers],
        notifications: { ...input.settings.notifications },
      };
      requireSeparation(index, actor, scopeId, input.roleId, next, !!input.applyToChildren, now);
      writeOne(tx, index, actor, scopeId, input.roleId, next, now, null);
      const children = input.applyToChildren ? writeChildren(tx, index, actor, scopeId, node.managed, input.roleId, next, now) : 0;
      return { scopeId, children };
    },
    { behavior: 'immediate' },
  );
}

/** A random id in the shape crypto.randomUUID() gives, made by SQLite for set-based inserts. */
const SQL_UUID = sql.raw(
  `lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-' || ` +
    `substr('89ab', 1 + (abs(random()) % 4), 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6)))`,
);

function writeChildren(
  tx: Tx,
  index: PolicyIndex,
  actor: Actor,
  scopeId: string,
  scopeManaged: boolean,
  roleId: string,
  next: RoleSettings,
  now: number,
): number {
  // managed scopes strictly below: one path range (below a managed scope everything is managed)
  const managedOnly = scopeManaged ? sql`` : sql` AND ${managedBelow(sql`r`, scopeId)}`;
  const below = sql`r.path > s.path AND r.path < substr(s.path, 1, length(s.path) - 1) || '0'${managedOnly}`;
  const from = sql`FROM resources s, resources r WHERE s.id = ${scopeId} AND ${below}`;
  // audit first, while the engine still knows each child's previous settings for the diff
  let count = 0;
  let last = '';
  for (;;) {
    const page = tx.all<{ id: string; path: string }>(
      sql`SELECT r.id AS id, r.path AS path ${from} AND r.path > ${last} ORDER BY r.path LIMIT ${AUDIT_PAGE}`,
    );
    for (const c of page) {
      const before = settingsFor(index, c.id, roleId);
      writeAudit(tx, {
        at: now,
        actor: { id: actor.id, name: actor.displayName },
        action: 'Role settings updated',
        role: { id: roleId, name: index.roles.get(roleId)?.name },
        scopeId: c.id,
        details: { changes: settingsDiff(before.settings, next), wasExplicit: before.explicit, appliedFrom: scopeId },
      });
    }
    count += page.length;
    if (page.length < AUDIT_PAGE) break;
    last = page[page.length - 1].path;
  }
  if (count === 0) return 0;
  const v = settingsToRow(next);
  const b = (x: boolean) => (x ? 1 : 0);
  tx.run(sql`
    INSERT INTO role_settings (id, scope_id, role_id, activation_max_minutes, activation_require_mfa, activation_require_justification,
      activation_require_ticket, approval_required, approval_timeout_minutes, approver_justification_required, eligible_permanent_allowed,
      eligible_max_days, active_permanent_allowed, active_max_days, active_require_mfa, active_require_justification, notifications,
      updated_at, updated_by)
    SELECT ${SQL_UUID}, r.id, ${roleId}, ${v.activationMaxMinutes}, ${b(v.activationRequireMfa)}, ${b(v.activationRequireJustification)},
      ${b(v.activationRequireTicket)}, ${b(v.approvalRequired)}, ${v.approvalTimeoutMinutes}, ${b(v.approverJustificationRequired)},
      ${b(v.eligiblePermanentAllowed)}, ${v.eligibleMaxDays}, ${b(v.activePermanentAllowed)}, ${v.activeMaxDays}, ${b(v.activeRequireMfa)},
      ${b(v.activeRequireJustification)}, ${v.notifications},
      ${now}, ${actor.id}
    ${from}
    ON CONFLICT (scope_id, role_id) DO UPDATE SET
      activation_max_minutes = excluded.activation_max_minutes, activation_require_mfa = excluded.activation_require_mfa,
      activation_require_justification = excluded.activation_require_justification, activation_require_ticket = excluded.activation_require_ticket,
      approval_required = excluded.approval_required, approval_timeout_minutes = excluded.approval_timeout_minutes,
      approver_justification_required = excluded.approver_justification_required, eligible_permanent_allowed = excluded.eligible_permanent_allowed,
      eligible_max_days = excluded.eligible_max_days, active_permanent_allowed = excluded.active_permanent_allowed,
      active_max_days = excluded.active_max_days, active_require_mfa = excluded.active_require_mfa,
      active_require_justification = excluded.active_require_justification, notifications = excluded.notifications,
      updated_at = excluded.updated_at, updated_by = excluded.updated_by`);
  const settingsBelow = sql`SELECT rs.id FROM role_settings rs JOIN resources r ON r.id = rs.scope_id, resources s
    WHERE s.id = ${scopeId} AND rs.role_id = ${roleId} AND ${below}`;
  tx.run(sql`DELETE FROM role_setting_approvers WHERE settings_id IN (${settingsBelow})`);
  const seen = new Set<string>();
  for (const a of next.approvers) {
    if (seen.has(`${a.type}:${a.id}`)) continue;
    seen.add(`${a.type}:${a.id}`);
    tx.run(
      sql`INSERT INTO role_setting_approvers (settings_id, principal_type, principal_id) SELECT id, ${a.type}, ${a.id} FROM (${settingsBelow})`,
    );
  }
  return count;
}

/**
 * Names a user approver on (scope, role) and turns approval on, inside the caller's
 * transaction (the delegated approver flow). Authorization is the caller's job: it
 * runs with management access already checked.
 */
export function addApproverInTx(
  tx: Tx,
  actor: Actor,
  scopeId: string,
  roleId: string,
  approver: { type: 'User' | 'Group'; id: string },
  now: number,
): void {
  const index = policyIndex(tx);
  // a tampered form can name any scope or role: say which, instead of a foreign-key failure
  const node = nodeOf(index, scopeId);
  if (!node || !index.roles.has(roleId)) {
    const msg = !node ? `Scope ${scopeId} does not exist.` : `Role ${roleId} does not exist.`;
    throw new ElevateError('InvalidRequest', msg, { fieldErrors: { approverOn: [msg] } });
  }
  scopeId = node.fact.id;
  requireManagementAccess(index, actor.id, scopeId, now);
  const current = settingsFor(index, scopeId, roleId).settings;
  const approvers = current.approvers.some((a) => a.type === approver.type && a.id === approver.id)
    ? current.approvers
    : [...current.approvers, approver];
  const next: RoleSettings = { ...current, approvalRequired: true, approvers, notifications: { ...current.notifications } };
  // naming a new approver where approval is already required widens who approves (rule 10)
  requireSeparation(index, actor, scopeId, roleId, next, false, now);
  writeOne(tx, index, actor, scopeId, roleId, next, now, null);
}

/** Rule 10: the engine refuses a change that weakens settings where the actor holds the role; nothing is written. */
function requireSeparation(
  index: PolicyIndex,
  actor: Actor,
  scopeId: string,
  roleId: string,
  next: RoleSettings,
  applyToChildren: boolean,
  now: number,
): void {
  const r = evaluateSettingsChange(index, { actorId: actor.id, scopeId, roleId, settings: next, applyToChildren, now });
  if (!r.ok) throw adminRefusal(index, r.violations);
}
