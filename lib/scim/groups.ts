import 'server-only';
import crypto from 'node:crypto';
import { and, asc, count, eq, ne, sql, type SQL } from 'drizzle-orm';
import type { Tx } from '@/db/client';
import { groupMembers, groups, scimDeletions, users, type Group } from '@/db/schema';
import { writeAudit } from '@/lib/audit/write';
import { isAdminGroup } from '@/lib/policy/provisioning';
import { GROUP_URN } from './constants';
import { badRequest, notFound, ScimError } from './errors';
import { parseFilter, type FilterTerm } from './filter';
import { keyOf, parsePatchOp, type Doc, type Json, type PatchOperation } from './patch';
import { checkIfMatch, meta, type Paging } from './resource';
import { assertClientLive, clientActor } from './tokens';
import { endAccessThroughGroup, scimRemover } from './access-end';
import { adminGroupNames, recomputePimAdmin } from './admin-groups';
import type { ScimContext } from './users';

/**
 * SCIM Groups (RFC 7643 §4.2) over Elevate's groups (ADR 102): displayName is the group's
 * name (unique in the tenant without regard to case), externalId its column, members its
 * membership. A client sees the groups it provisioned, and of their members only the users
 * it can see: members a PIM administrator added by hand in Elevate are left alone by a
 * replace. A membership change takes effect at once (the change log keeps the policy
 * index current), and leaving ends what was activated through the group.
 */
export const GROUP_FILTER_ATTRS = ['displayname', 'externalid', 'id'] as const;

const visible = (tenantId: string): SQL =>
  and(
    eq(groups.tenantId, tenantId),
    ne(groups.source, 'local'),
    sql`NOT EXISTS (SELECT 1 FROM ${scimDeletions} WHERE ${scimDeletions.resourceId} = ${groups.id})`,
  )!;
const visibleUser = (tenantId: string): SQL =>
  and(
    eq(users.tenantId, tenantId),
    ne(users.source, 'local'),
    sql`NOT EXISTS (SELECT 1 FROM ${scimDeletions} WHERE ${scimDeletions.resourceId} = ${users.id})`,
  )!;

function load(tx: ScimContext['db'] | Tx, ctx: ScimContext, id: string): Group {
  const g = tx
    .select()
    .from(groups)
    .where(and(eq(groups.id, id), visible(ctx.client.tenantId)))
    .get();
  if (!g) throw notFound('Group', id);
  return g;
}

function membersOf(tx: ScimContext['db'] | Tx, ctx: ScimContext, groupId: string): { id: string; displayName: string }[] {
  return tx
    .select({ id: users.id, displayName: users.displayName })
    .from(groupMembers)
    .innerJoin(users, eq(users.id, groupMembers.userId))
    .where(and(eq(groupMembers.groupId, groupId), visibleUser(ctx.client.tenantId)))
    .orderBy(asc(groupMembers.addedAt), asc(users.id))
    .all();
}

export function toScimGroup(ctx: ScimContext, g: Group, withMembers: boolean, tx: ScimContext['db'] | Tx = ctx.db): Doc {
  return {
    schemas: [GROUP_URN],
    id: g.id,
    ...(g.externalId !== null ? { externalId: g.externalId } : {}),
    displayName: g.name,
    ...(withMembers
      ? {
          members: membersOf(tx, ctx, g.id).map((m) => ({
            value: m.id,
            display: m.displayName,
            type: 'User',
            $ref: `${ctx.baseUrl}/Users/${m.id}`,
          })),
        }
      : {}),
    meta: meta('Group', ctx.baseUrl, g.id, g.createdAt, g.updatedAt, g.version),
  };
}

export function getGroup(ctx: ScimContext, id: string, withMembers: boolean): Doc {
  return toScimGroup(ctx, load(ctx.db, ctx, id), withMembers);
}

export function listGroups(ctx: ScimContext, filter: string | null, paging: Paging, withMembers: boolean): { total: number; items: Doc[] } {
  const where: SQL[] = [visible(ctx.client.tenantId)];
  for (const t of filter ? parseFilter(filter, GROUP_FILTER_ATTRS) : []) {
    if (typeof t.value !== 'string') throw badRequest('invalidFilter', `Compare ${t.attr} with a string in double quotes.`);
    if (t.attr === 'displayname') where.push(sql`lower(${groups.name}) = ${t.value.toLowerCase()}`);
    else if (t.attr === 'externalid') where.push(eq(groups.externalId, t.value));
    else where.push(eq(groups.id, t.value));
  }
  const cond = and(...where);
  const total = ctx.db.select({ n: count() }).from(groups).where(cond).get()!.n;
  const rows =
    paging.count === 0
      ? []
      : ctx.db
          .select()
          .from(groups)
          .where(cond)
          .orderBy(asc(groups.createdAt), asc(groups.id))
          .limit(paging.count)
          .offset(paging.startIndex - 1)
          .all();
  return { total, items: rows.map((g) => toScimGroup(ctx, g, withMembers)) };
}

/** The member ids of a `members` value: `[{"value": "…"}]` (a bare object or id string is read as one). */
function memberIds(value: Json | undefined): string[] {
  const list = Array.isArray(value) ? value : value === undefined || value === null ? [] : [value];
  return list.map((m) => {
    if (typeof m === 'string') return m;
    const k = m && typeof m === 'object' && !Array.isArray(m) ? keyOf(m, 'value') : undefined;
    const v = k ? (m as Doc)[k] : undefined;
    if (typeof v !== 'string' || !v) throw badRequest('invalidValue', 'Each member is an object with the user\'s id as "value".');
    return v;
  });
}

interface GroupInput {
  displayName: string;
  externalId: string | null;
  members: string[] | undefined;
}

function readGroup(body: unknown): GroupInput {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw badRequest('invalidSyntax', 'A Group is a JSON object.');
  const b = body as Doc;
  const get = (a: string) => {
    const k = keyOf(b, a);
    return k === undefined ? undefined : b[k];
  };
  const schemas = get('schemas');
  if (
    schemas !== undefined &&
    (!Array.isArray(schemas) || !schemas.some((s) => typeof s === 'string' && s.toLowerCase() === GROUP_URN.toLowerCase()))
  ) {
    throw badRequest('invalidValue', `A Group's "schemas" must include ${GROUP_URN}.`);
  }
  const name = get('displayName');
  if (typeof name !== 'string' || !name.trim() || name.trim().length > 256)
    throw badRequest('invalidValue', '"displayName" is required (1 to 256 characters).');
  const ext = get('externalId');
  if (ext !== undefined && ext !== null && (typeof ext !== 'string' || !ext.trim()))
    throw badRequest('invalidValue', '"externalId" must be a non-empty string.');
  const members = get('members');
  return {
    displayName: name.trim(),
    externalId: typeof ext === 'string' ? ext.trim() : null,
    members: members === undefined ? undefined : memberIds(members),
  };
}

function nameTaken(tx: Tx, tenantId: string, name: string, exceptId: string | null) {
  const other = tx
    .select({ id: groups.id, source: groups.source })
    .from(groups)
    .where(and(eq(groups.tenantId, tenantId), sql`lower(${groups.name}) = ${name.toLowerCase()}`))
    .get();
  if (other && other.id !== exceptId) {
    const why = other.source === 'local' ? 'a group created in Elevate has it' : 'another provisioned group has it';
    throw new ScimError(409, `The displayName "${name.slice(0, 256)}" is already taken: ${why}.`, 'uniqueness');
  }
}

const groupRef = (g: { id: string; name: string }) => ({ type: 'Group', id: g.id, name: g.name });

/** Adds and removes members (point reads and writes: the cost follows the change, not the group's size), audited one by one. */
function changeMembers(tx: Tx, ctx: ScimContext, g: { id: string; name: string }, add: string[], remove: string[]): string[] {
  const touched: string[] = [];
  const findUser = (id: string) =>
    tx
      .select({ id: users.id, displayName: users.displayName })
      .from(users)
      .where(and(eq(users.id, id), visibleUser(ctx.client.tenantId)))
      .get();
  const isMember = (id: string) =>
    Boolean(
      tx
        .select({ u: groupMembers.userId })
        .from(groupMembers)
        .where(and(eq(groupMembers.groupId, g.id), eq(groupMembers.userId, id)))
        .get(),
    );
  for (const id of new Set(add)) {
    const u = findUser(id);
    if (!u)
      throw badRequest(
        'invalidValue',
        `No provisioned user has the id "${id.slice(0, 100)}": create the user before adding them to a group.`,
      );
    if (isMember(id)) continue;
    tx.insert(groupMembers).values({ groupId: g.id, userId: id, addedAt: ctx.now }).run();
    writeAudit(tx, {
      at: ctx.now,
      actor: clientActor(ctx.client),
      action: 'Group member added by provisioning',
      principal: { type: 'User', id, name: u.displayName },
      details: { groupId: g.id, group: g.name, scimTokenId: ctx.client.tokenId },
    });
    touched.push(id);
  }
  for (const id of new Set(remove)) {
    const u = tx
      .select({ id: users.id, displayName: users.displayName })
      .from(users)
      .where(and(eq(users.id, id), eq(users.tenantId, ctx.client.tenantId)))
      .get();
    if (!u) throw badRequest('noTarget', `No user has the id "${id.slice(0, 100)}", so there is no such member to remove.`);
    // removing someone who is not a member is done already (clients retry)
    if (!isMember(id)) continue;
    tx.delete(groupMembers)
      .where(and(eq(groupMembers.groupId, g.id), eq(groupMembers.userId, id)))
      .run();
    const ended = endAccessThroughGroup(tx, scimRemover(ctx.client), u, g, ctx.now);
    writeAudit(tx, {
      at: ctx.now,
      actor: clientActor(ctx.client),
      action: 'Group member removed by provisioning',
      principal: { type: 'User', id, name: u.displayName },
      details: {
        groupId: g.id,
        group: g.name,
        activationsRevoked: ended.revoked,
        requestsCanceled: ended.canceled,
        scimTokenId: ctx.client.tokenId,
      },
    });
    touched.push(id);
  }
  return touched;
}

export function createGroup(ctx: ScimContext, body: unknown): { resource: Doc } {
  const input = readGroup(body);
  return ctx.db.transaction(
    (tx) => {
      assertClientLive(tx, ctx.client);
      nameTaken(tx, ctx.client.tenantId, input.displayName, null);
      const id = crypto.randomUUID();
      tx.insert(groups)
        .values({
          id,
          tenantId: ctx.client.tenantId,
          name: input.displayName,
          source: 'scim',
          externalId: input.externalId,
          createdAt: ctx.now,
          updatedAt: ctx.now,
          version: 1,
        })
        .run();
      writeAudit(tx, {
        at: ctx.now,
        actor: clientActor(ctx.client),
        action: 'Group provisioned',
        principal: groupRef({ id, name: input.displayName }),
        details: { externalId: input.externalId, scimTokenId: ctx.client.tokenId },
      });
      const touched = changeMembers(tx, ctx, { id, name: input.displayName }, input.members ?? [], []);
      recomputePimAdmin(tx, ctx, touched);
      return { resource: toScimGroup(ctx, load(tx, ctx, id), true, tx) };
    },
    { behavior: 'immediate' },
  );
}

interface GroupChange {
  displayName?: string;
  externalId?: string | null;
  add: string[];
  remove: string[];
  replaceMembers?: string[];
}

/** Applies a name/externalId/membership change, recomputes administrators where it matters, bumps the version. */
function applyChange(tx: Tx, ctx: ScimContext, g: Group, c: GroupChange, via: 'PUT' | 'PATCH'): Group {
  let add = c.add;
  let remove = c.remove;
  if (c.replaceMembers) {
    const now = new Set(membersOf(tx, ctx, g.id).map((m) => m.id));
    const want = new Set(c.replaceMembers);
    add = [...add, ...[...want].filter((id) => !now.has(id))];
    remove = [...remove, ...[...now].filter((id) => !want.has(id))];
  }
  const name = c.displayName ?? g.name;
  const externalId = c.externalId === undefined ? g.externalId : c.externalId;
  const renamed = name !== g.name || externalId !== g.externalId;
  if (name.toLowerCase() !== g.name.toLowerCase()) nameTaken(tx, ctx.client.tenantId, name, g.id);
  if (renamed) {
    tx.update(groups).set({ name, externalId }).where(eq(groups.id, g.id)).run();
    writeAudit(tx, {
      at: ctx.now,
      actor: clientActor(ctx.client),
      action: 'Group updated by provisioning',
      principal: groupRef({ id: g.id, name }),
      details: {
        ...(name !== g.name ? { displayName: { from: g.name, to: name } } : {}),
        ...(externalId !== g.externalId ? { externalId } : {}),
        via,
        scimTokenId: ctx.client.tokenId,
      },
    });
  }
  const touched = changeMembers(tx, ctx, { id: g.id, name }, add, remove);
  if (!renamed && touched.length === 0) return g;
  tx.update(groups)
    .set({ version: g.version + 1, updatedAt: ctx.now })
    .where(eq(groups.id, g.id))
    .run();
  // a rename can make a group an administrator group or stop it being one: then all its members are looked at again
  const admins = adminGroupNames();
  const adminChanged = renamed && isAdminGroup({ id: g.id, name, externalId }, admins) !== isAdminGroup(g, admins);
  const everyone = adminChanged
    ? tx
        .select({ id: groupMembers.userId })
        .from(groupMembers)
        .where(eq(groupMembers.groupId, g.id))
        .all()
        .map((m) => m.id)
    : [];
  recomputePimAdmin(tx, ctx, [...new Set([...touched, ...everyone])]);
  return tx.select().from(groups).where(eq(groups.id, g.id)).get()!;
}

export function replaceGroup(ctx: ScimContext, id: string, body: unknown, ifMatch: string | null, withMembers: boolean): Doc {
  const input = readGroup(body);
  return ctx.db.transaction(
    (tx) => {
      assertClientLive(tx, ctx.client);
      const g = load(tx, ctx, id);
      checkIfMatch(ifMatch, g.version);
      const sentId = keyOf(body as Doc, 'id');
      if (sentId && (body as Doc)[sentId] !== id) throw badRequest('mutability', '"id" cannot be changed.');
      const next = applyChange(
        tx,
        ctx,
        g,
        { displayName: input.displayName, externalId: input.externalId, add: [], remove: [], replaceMembers: input.members ?? [] },
        'PUT',
      );
      return toScimGroup(ctx, next, withMembers, tx);
    },
    { behavior: 'immediate' },
  );
}

/** PatchOp → one change: Entra ID's `{"op":"Remove","path":"members","value":[…]}` and Okta's `members[value eq "…"]` alike. */
function groupChange(g: Group, ops: PatchOperation[]): GroupChange {
  const c: GroupChange = { add: [], remove: [] };
  const one = (
    op: PatchOperation['op'],
    attr: string,
    filter: FilterTerm[] | null,
    sub: string | null,
    value: Json | undefined,
    raw: string,
  ) => {
    const a = attr.toLowerCase();
    if (a === 'members') {
      if (sub !== null) throw badRequest('invalidPath', `"${raw.slice(0, 200)}": members are added and removed whole.`);
      const filtered = filter
        ? filter.map((t) => {
            if (t.attr !== 'value' || typeof t.value !== 'string')
              throw badRequest('invalidFilter', `"${raw.slice(0, 200)}": select members by value eq "<user id>".`);
            return t.value;
          })
        : null;
      if (op === 'add') c.add.push(...memberIds(value));
      else if (op === 'remove') {
        if (filtered) c.remove.push(...filtered);
        else if (value !== undefined && value !== null) c.remove.push(...memberIds(value));
        else c.replaceMembers = [];
      } else if (filtered) {
        throw badRequest('noTarget', `"${raw.slice(0, 200)}": replace the members as a whole, or add and remove them.`);
      } else c.replaceMembers = memberIds(value);
      return;
    }
    if (filter || sub) throw badRequest('invalidPath', `"${raw.slice(0, 200)}" is not an attribute of a Group.`);
    if (a === 'displayname') {
      if (op === 'remove' || typeof value !== 'string' || !value.trim())
        throw badRequest('invalidValue', '"displayName" is required and cannot be removed.');
      c.displayName = value.trim();
    } else if (a === 'externalid') {
      if (op === 'remove' || value === null) c.externalId = null;
      else if (typeof value === 'string' && value.trim()) c.externalId = value.trim();
      else throw badRequest('invalidValue', '"externalId" must be a non-empty string.');
    } else if (a === 'id') {
      // Okta's replace sends the group's own id along with its name
      if (value !== g.id) throw badRequest('mutability', '"id" is read-only and cannot be changed.');
    } else if (a === 'meta' || a === 'schemas') {
      throw badRequest('mutability', `"${attr}" is read-only and cannot be changed.`);
    } else {
      throw badRequest('invalidPath', `"${raw.slice(0, 200)}" is not an attribute Elevate keeps for a Group.`);
    }
  };
  for (const o of ops) {
    if (o.path === null) {
      for (const [k, v] of Object.entries(o.value as Doc))
        one(o.op, k.replace(/^urn:ietf:params:scim:schemas:core:2\.0:Group:/i, ''), null, null, v, k);
    } else {
      if (o.path.schema !== null)
        throw badRequest('invalidPath', `"${o.rawPath!.slice(0, 200)}": Groups have no extension attributes here.`);
      one(o.op, o.path.attr, o.path.filter, o.path.sub, o.value, o.rawPath!);
    }
  }
  return c;
}

export function patchGroup(ctx: ScimContext, id: string, body: unknown, ifMatch: string | null, withMembers: boolean): Doc {
  const ops = parsePatchOp(body);
  return ctx.db.transaction(
    (tx) => {
      assertClientLive(tx, ctx.client);
      const g = load(tx, ctx, id);
      checkIfMatch(ifMatch, g.version);
      return toScimGroup(ctx, applyChange(tx, ctx, g, groupChange(g, ops), 'PATCH'), withMembers, tx);
    },
    { behavior: 'immediate' },
  );
}

/**
 * DELETE: every member leaves (what came through the group ends at once), the name is
 * released for a new group, and the row stays for the assignments and audit that name it,
 * unseen by SCIM.
 */
export function deleteGroup(ctx: ScimContext, id: string, ifMatch: string | null): void {
  ctx.db.transaction(
    (tx) => {
      assertClientLive(tx, ctx.client);
      const g = load(tx, ctx, id);
      checkIfMatch(ifMatch, g.version);
      const all = tx
        .select({ id: groupMembers.userId })
        .from(groupMembers)
        .where(eq(groupMembers.groupId, g.id))
        .all()
        .map((m) => m.id);
      for (const uid of all) {
        const u = tx.select({ id: users.id, displayName: users.displayName }).from(users).where(eq(users.id, uid)).get()!;
        tx.delete(groupMembers)
          .where(and(eq(groupMembers.groupId, g.id), eq(groupMembers.userId, uid)))
          .run();
        endAccessThroughGroup(tx, scimRemover(ctx.client), u, g, ctx.now);
      }
      const freed = `${g.name} (deleted ${g.id.slice(0, 8)})`.slice(0, 300);
      tx.update(groups)
        .set({ name: freed, externalId: null, version: g.version + 1, updatedAt: ctx.now })
        .where(eq(groups.id, g.id))
        .run();
      if (all.length) recomputePimAdmin(tx, ctx, all);
      tx.insert(scimDeletions).values({ resourceId: g.id, resourceType: 'Group', deletedAt: ctx.now, tokenId: ctx.client.tokenId }).run();
      writeAudit(tx, {
        at: ctx.now,
        actor: clientActor(ctx.client),
        action: 'Group deleted by provisioning',
        principal: groupRef(g),
        details: { externalId: g.externalId, membersRemoved: all, scimTokenId: ctx.client.tokenId },
      });
    },
    { behavior: 'immediate' },
  );
}
