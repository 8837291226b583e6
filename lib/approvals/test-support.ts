import crypto from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import type { Db } from '@/db/client';
import * as s from '@/db/schema';
import { DEMO_SUBSCRIPTION } from '@/db/seed/demo';
import { OWNER } from '@/db/builtin-roles';
import { defaultSettingsFor } from '@/lib/policy';
import { submitActivation as submitRequesterActivation } from '@/lib/activation';
import { settingsToRow } from '@/db/mappers';

/**
 * Test-only helpers: submit a self-activation through the requester's own service
 * (lib/activation), so approval tests start from a real pending request.
 */
export const SUB = DEMO_SUBSCRIPTION.toLowerCase();
export const rg = (name: string) => `${SUB}/resourcegroups/${name}`;

export function eligibilityOf(db: Db, userId: string, roleId: string = OWNER) {
  return db
    .select()
    .from(s.eligibilitySchedules)
    .where(and(eq(s.eligibilitySchedules.principalId, userId), eq(s.eligibilitySchedules.roleId, roleId)))
    .get()!;
}

export function submitActivation(
  db: Db,
  userId: string,
  scopeId: string,
  now: number,
  opts: { durationMinutes?: number; startAt?: number; roleId?: string; justification?: string } = {},
): s.RequestRow {
  const user = db.select().from(s.users).where(eq(s.users.id, userId)).get()!;
  const elig = eligibilityOf(db, userId, opts.roleId);
  const sub = submitRequesterActivation(
    db,
    user,
    {
      eligibilityId: elig.id,
      scopeIds: [scopeId],
      startAt: opts.startAt,
      durationMinutes: opts.durationMinutes ?? 60,
      justification: opts.justification ?? 'Deploy the quarter-end fix',
      mfaVerifiedAt: now,
    },
    now,
  );
  const [req] = sub.requests;
  if (req.status !== 'PendingApproval') throw new Error('expected the activation to need approval');
  return db.select().from(s.requests).where(eq(s.requests.id, req.requestId)).get()!;
}

/** Replace the Owner settings at a scope: approval on, named approvers, approver justification, MFA to approve (Owner's default: on). */
export function setOwnerApproval(
  db: Db,
  scopeId: string,
  approverIds: string[],
  opts: { approverJustificationRequired?: boolean; timeoutMinutes?: number; approvalRequireMfa?: boolean } = {},
) {
  const defaults = defaultSettingsFor(OWNER);
  db.transaction((tx) => {
    const existing = tx
      .select()
      .from(s.roleSettings)
      .where(and(eq(s.roleSettings.scopeId, scopeId), eq(s.roleSettings.roleId, OWNER)))
      .get();
    const values = settingsToRow({
      ...defaults,
      approvalRequired: true,
      approverJustificationRequired: opts.approverJustificationRequired ?? true,
      approvalTimeoutMinutes: opts.timeoutMinutes ?? defaults.approvalTimeoutMinutes,
      approvalRequireMfa: opts.approvalRequireMfa ?? defaults.approvalRequireMfa,
    });
    let id = existing?.id;
    if (existing) tx.update(s.roleSettings).set(values).where(eq(s.roleSettings.id, existing.id)).run();
    else {
      id = crypto.randomUUID();
      tx.insert(s.roleSettings)
        .values({ id, scopeId, roleId: OWNER, ...values, updatedAt: 0 })
        .run();
    }
    tx.delete(s.roleSettingApprovers).where(eq(s.roleSettingApprovers.settingsId, id!)).run();
    for (const a of approverIds) tx.insert(s.roleSettingApprovers).values({ settingsId: id!, principalType: 'User', principalId: a }).run();
  });
}

export const userRow = (db: Db, id: string) => db.select().from(s.users).where(eq(s.users.id, id)).get()!;

/** The ElevateError a call refuses with; any other outcome fails the test (shared with the activation tests). */
export { refused as refusal } from '@/lib/activation/test-support';
