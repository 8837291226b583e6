import 'server-only';
import { eq, inArray } from 'drizzle-orm';
import type { Tx } from '@/db/client';
import { groupMembers, groups, users } from '@/db/schema';
import { config } from '@/lib/config';
import { writeAudit } from '@/lib/audit/write';
import { isAdminGroup, pimAdminAfterProvisioning } from '@/lib/policy/provisioning';
import { clientActor, type ScimClient } from './tokens';

/** The configured administrator groups (ELEVATE_OIDC_ADMIN_GROUPS); none when single sign-on is not configured. */
export const adminGroupNames = (): string[] => config().oidc?.adminGroups ?? [];

/**
 * Brings the tenant PIM administrator flag of these users in line with their groups, as the
 * engine decides (pimAdminAfterProvisioning: only provider-managed users, only through an
 * administrator group). Each flip is audited with the client's name; the change log
 * trigger on is_pim_admin keeps the policy index current.
 */
export function recomputePimAdmin(tx: Tx, ctx: { client: ScimClient; now: number }, userIds: string[]): void {
  if (userIds.length === 0) return;
  const admins = adminGroupNames();
  const people = tx
    .select({ id: users.id, name: users.displayName, source: users.source, isPimAdmin: users.isPimAdmin })
    .from(users)
    .where(inArray(users.id, userIds))
    .all();
  for (const p of people) {
    const theirs = tx
      .select({ id: groups.id, name: groups.name, externalId: groups.externalId })
      .from(groupMembers)
      .innerJoin(groups, eq(groups.id, groupMembers.groupId))
      .where(eq(groupMembers.userId, p.id))
      .all();
    const next = pimAdminAfterProvisioning(p, theirs, admins);
    if (next === null) continue;
    tx.update(users).set({ isPimAdmin: next }).where(eq(users.id, p.id)).run();
    writeAudit(tx, {
      at: ctx.now,
      actor: clientActor(ctx.client),
      action: next ? 'PIM administrator granted by provisioning' : 'PIM administrator removed by provisioning',
      principal: { type: 'User', id: p.id, name: p.name },
      details: { adminGroups: theirs.filter((g) => isAdminGroup(g, admins)).map((g) => g.name), scimTokenId: ctx.client.tokenId },
    });
  }
}
