import 'server-only';
import crypto from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import type { Db, Tx } from '@/db/client';
import { roleSettings, roleSettingApprovers } from '@/db/schema';
import { settingsToRow } from '@/db/mappers';
import {
  descendantsOf, settingsFor, validateSettings, weakerChildren, type PolicyIndex, type RoleSettings, type WeakerChild,
} from '@/lib/policy';
import { ElevateError } from '@/lib/errors';
import { writeAudit } from '@/lib/audit/write';
import { bumpRevision, policyIndex } from '@/lib/tenant/engine';
import { nodeOf } from '@/lib/policy/tenant-index';
import { requireManagementAccess } from '@/lib/resources/access';
import { settingsDiff, settingsViolationText } from './diff';

export { settingsDiff, settingsViolationText } from './diff';

type Actor = { id: string; displayName: string };

/** The settings of exactly this (scope, role), and whether they are explicit or the defaults (never inherited). */
export function getRoleSettings(db: Db | Tx, scopeId: string, roleId: string): { settings: RoleSettings; explicit: boolean } {
  const g = settingsFor(policyIndex(db), scopeId.toLowerCase(), roleId);
  return { settings: g.settings, explicit: g.explicit };
}

/** Managed child scopes whose settings for the role demand less than this scope's (rule 9). */
export function weakerChildrenOf(db: Db | Tx, scopeId: string, roleId: string): WeakerChild[] {
  return weakerChildren(policyIndex(db), scopeId.toLowerCase(), roleId);
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
    else if (a.type === 'User' && index.users.get(a.id)?.disabled) (fieldErrors.approvers ??= []).push(`${index.users.get(a.id)!.displayName} is disabled.`);
  }
  if (!index.roles.has(input.roleId)) fieldErrors.roleId = ['That role does not exist.'];
  if (Object.keys(fieldErrors).length) throw new ElevateError('InvalidRequest', 'Check the highlighted fields.', { fieldErrors });
}

function writeOne(tx: Tx, index: PolicyIndex, actor: Actor, scopeId: string, roleId: string, next: RoleSettings, now: number, appliedFrom: string | null) {
  const before = settingsFor(index, scopeId, roleId);
  const values = { ...settingsToRow(next), updatedAt: now, updatedBy: actor.id };
  tx.insert(roleSettings)
    .values({ id: crypto.randomUUID(), scopeId, roleId, ...values })
    .onConflictDoUpdate({ target: [roleSettings.scopeId, roleSettings.roleId], set: values })
    .run();
  const row = tx.select({ id: roleSettings.id }).from(roleSettings).where(and(eq(roleSettings.scopeId, scopeId), eq(roleSettings.roleId, roleId))).get()!;
  tx.delete(roleSettingApprovers).where(eq(roleSettingApprovers.settingsId, row.id)).run();
  const seen = new Set<string>();
  for (const a of next.approvers) {
    if (seen.has(`${a.type}:${a.id}`)) continue;
    seen.add(`${a.type}:${a.id}`);
    tx.insert(roleSettingApprovers).values({ settingsId: row.id, principalType: a.type, principalId: a.id }).run();
  }
  writeAudit(tx, {
    at: now, actor: { id: actor.id, name: actor.displayName }, action: 'Role settings updated',
    role: { id: roleId, name: index.roles.get(roleId)?.name }, scopeId,
    details: { changes: settingsDiff(before.settings, next), wasExplicit: before.explicit, ...(appliedFrom ? { appliedFrom } : {}) },
  });
}

/**
 * Saves explicit settings for (scope, role), optionally also at every managed child
 * scope. Only future requests see them: requests snapshot their governing settings and
 * existing assignments are never touched.
 */
export function saveRoleSettings(db: Db, actor: Actor, input: SaveSettingsInput, now: number): { scopeIds: string[] } {
  return db.transaction((tx) => {
    const index = policyIndex(tx);
    const node = nodeOf(index, input.scopeId);
    if (!node) throw new ElevateError('NotFound', 'That scope does not exist.');
    const scopeId = node.fact.id;
    requireManagementAccess(index, actor.id, scopeId, now);
    checkInput(index, input);
    const children = input.applyToChildren ? descendantsOf(index, scopeId, { managedOnly: true }).map((r) => r.id) : [];
    for (const c of children) requireManagementAccess(index, actor.id, c, now);
    const next: RoleSettings = { ...input.settings, approvers: [...input.settings.approvers], notifications: { ...input.settings.notifications } };
    writeOne(tx, index, actor, scopeId, input.roleId, next, now, null);
    for (const c of children) writeOne(tx, index, actor, c, input.roleId, next, now, scopeId);
    bumpRevision(tx);
    return { scopeIds: [scopeId, ...children] };
  }, { behavior: 'immediate' });
}

/**
 * Names a user approver on (scope, role) and turns approval on, inside the caller's
 * transaction (the delegated approver flow). Authorization is the caller's job: it
 * runs with management access already checked.
 */
export function addApproverInTx(tx: Tx, actor: Actor, scopeId: string, roleId: string, approver: { type: 'User' | 'Group'; id: string }, now: number): void {
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
  const approvers = current.approvers.some((a) => a.type === approver.type && a.id === approver.id) ? current.approvers : [...current.approvers, approver];
  writeOne(tx, index, actor, scopeId, roleId, { ...current, approvalRequired: true, approvers, notifications: { ...current.notifications } }, now, null);
}
