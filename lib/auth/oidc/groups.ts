import 'server-only';
import { and, eq, inArray, or, sql } from 'drizzle-orm';
import type { Tx } from '@/db/client';
import { groupMembers, groups, oidcGroupMemberships, type User } from '@/db/schema';
import { matchClaimGroups } from '@/lib/policy/identity';

export interface GroupSync {
  /** every key of the person's groups from the claim: the claim values and each matched group's id, external id and name */
  keys: string[];
  added: string[];
  removed: string[];
}

/**
 * Brings the person's memberships in line with the groups claim, inside the sign-in's
 * transaction: groups Elevate knows (by id, SCIM external id or name) that the claim names
 * are joined at once, so their assignments apply from this sign-in; memberships an earlier
 * sign-in gave and the claim no longer names are taken away. A membership an administrator or
 * SCIM made is never taken away here. Only the claim's groups are read, never the tenant's.
 */
export function syncClaimGroups(tx: Tx, user: Pick<User, 'id' | 'tenantId'>, claim: string[], now: number): GroupSync {
  const lowered = [...new Set(claim.map((c) => c.toLowerCase()))].slice(0, 1000);
  const candidates =
    lowered.length === 0
      ? []
      : tx
          .select({ id: groups.id, name: groups.name, externalId: groups.externalId })
          .from(groups)
          .where(
            and(
              eq(groups.tenantId, user.tenantId),
              or(
                inArray(sql`lower(${groups.name})`, lowered),
                inArray(sql`lower(${groups.externalId})`, lowered),
                inArray(sql`lower(${groups.id})`, lowered),
              ),
            ),
          )
          .all();
  const matched = matchClaimGroups(claim, candidates);
  const matchedIds = new Set(matched.map((g) => g.id));
  const memberOf = new Set(
    tx
      .select({ g: groupMembers.groupId })
      .from(groupMembers)
      .where(eq(groupMembers.userId, user.id))
      .all()
      .map((r) => r.g),
  );
  const given = tx
    .select({ g: oidcGroupMemberships.groupId })
    .from(oidcGroupMemberships)
    .where(eq(oidcGroupMemberships.userId, user.id))
    .all()
    .map((r) => r.g);
  const added: string[] = [];
  for (const g of matched) {
    if (memberOf.has(g.id)) continue;
    tx.insert(groupMembers).values({ groupId: g.id, userId: user.id, addedAt: now }).run();
    tx.insert(oidcGroupMemberships).values({ groupId: g.id, userId: user.id, addedAt: now }).onConflictDoNothing().run();
    added.push(g.name);
  }
  const stale = given.filter((g) => !matchedIds.has(g));
  let removed: string[] = [];
  if (stale.length) {
    removed = tx
      .select({ name: groups.name })
      .from(groups)
      .where(inArray(groups.id, stale))
      .all()
      .map((r) => r.name);
    tx.delete(groupMembers)
      .where(and(eq(groupMembers.userId, user.id), inArray(groupMembers.groupId, stale)))
      .run();
    tx.delete(oidcGroupMemberships)
      .where(and(eq(oidcGroupMemberships.userId, user.id), inArray(oidcGroupMemberships.groupId, stale)))
      .run();
  }
  const keys = [...claim, ...matched.flatMap((g) => [g.id, g.name, ...(g.externalId ? [g.externalId] : [])])];
  return { keys, added, removed };
}
