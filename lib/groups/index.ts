import 'server-only';
import crypto from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import type { Db, Tx } from '@/db/client';
import { groupMembers, groups, users, type Group } from '@/db/schema';
import { ElevateError } from '@/lib/errors';
import { writeAudit } from '@/lib/audit/write';
import { policyIndex } from '@/lib/tenant/engine';
import { requirePimAdmin } from '@/lib/resources/access';
import { justificationMissing } from '@/lib/users';
import { selfMembershipViolation } from '@/lib/policy/separation';
import { adminRefusal } from '@/lib/assignments/errors';
import { endAccessThroughGroup } from '@/lib/scim/access-end';

type Actor = { id: string; displayName: string };
const who = (a: Actor) => ({ id: a.id, name: a.displayName });

export function createGroup(db: Db, actor: Actor, input: { name: string; description?: string }, now: number): Group {
  const name = input.name.trim();
  if (!name)
    throw new ElevateError('InvalidRequest', 'Check the highlighted fields.', { fieldErrors: { name: ['Give the group a name.'] } });
  return db.transaction(
    (tx) => {
      requirePimAdmin(policyIndex(tx), actor.id);
      const tenantId = tx.select({ t: users.tenantId }).from(users).where(eq(users.id, actor.id)).get()!.t;
      if (
        tx
          .select({ id: groups.id })
          .from(groups)
          .where(sql`lower(${groups.name}) = ${name.toLowerCase()}`)
          .get()
      ) {
        throw new ElevateError('Conflict', 'A group with this name already exists.', {
          fieldErrors: { name: ['A group with this name already exists.'] },
        });
      }
      const id = crypto.randomUUID();
      tx.insert(groups)
        .values({ id, tenantId, name, description: input.description?.trim() ?? '', createdAt: now })
        .run();
      writeAudit(tx, { at: now, actor: who(actor), action: 'Group created', principal: { type: 'Group', id, name } });
      return tx.select().from(groups).where(eq(groups.id, id)).get()!;
    },
    { behavior: 'immediate' },
  );
}

/**
 * Membership changes what members hold at once (a group's members receive its
 * assignments); removing someone takes that away, so it needs a justification. Rule 10:
 * nobody adds themselves to a group that holds an eligible or active assignment (the
 * engine's selfMembershipViolation); removing oneself stays allowed.
 */
export function setMembership(
  db: Db,
  actor: Actor,
  input: { groupId: string; userId: string; member: boolean; justification?: string },
  now: number,
): void {
  const justification = input.justification?.trim() || null;
  if (!input.member && !justification) throw justificationMissing('Say why you remove this member.');
  db.transaction(
    (tx: Tx) => {
      const index = policyIndex(tx);
      requirePimAdmin(index, actor.id);
      // primary-key reads: the cost of a membership change never depends on the group's size
      const group = tx.select({ id: groups.id, name: groups.name }).from(groups).where(eq(groups.id, input.groupId)).get();
      const user = tx.select({ id: users.id, displayName: users.displayName }).from(users).where(eq(users.id, input.userId)).get();
      if (!group || !user) throw new ElevateError('NotFound', 'That group or user does not exist.');
      const isMember = !!tx
        .select({ g: groupMembers.groupId })
        .from(groupMembers)
        .where(and(eq(groupMembers.groupId, group.id), eq(groupMembers.userId, user.id)))
        .get();
      if (isMember === input.member)
        throw new ElevateError('Conflict', `${user.displayName} is ${isMember ? 'already' : 'not'} a member of ${group.name}.`);
      const refused = selfMembershipViolation(index, { actorId: actor.id, groupId: group.id, userId: user.id, member: input.member, now });
      if (refused) throw adminRefusal(index, [refused]);
      if (input.member) tx.insert(groupMembers).values({ groupId: group.id, userId: user.id, addedAt: now }).run();
      else
        tx.delete(groupMembers)
          .where(and(eq(groupMembers.groupId, group.id), eq(groupMembers.userId, user.id)))
          .run();
      writeAudit(tx, {
        at: now,
        actor: who(actor),
        action: input.member ? 'Group member added' : 'Group member removed',
        principal: { type: 'User', id: user.id, name: user.displayName },
        justification,
        details: { groupId: group.id, group: group.name },
      });
      // what the member activated (or asked to) from the group's eligible assignments ends with
      // the membership, as when the identity provider removes them (one rule: lib/policy/provisioning)
      if (!input.member) endAccessThroughGroup(tx, { actor: who(actor), via: 'administrator', details: {} }, user, group, now);
    },
    { behavior: 'immediate' },
  );
}

export * from './list';
