import 'server-only';
import crypto from 'node:crypto';
import { and, asc, count, eq, ne, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import type { Db, Tx } from '@/db/client';
import { groupMembers, scimDeletions, tenants, users, type User } from '@/db/schema';
import { writeAudit } from '@/lib/audit/write';
import { ENTERPRISE_URN, USER_URN } from './constants';
import { badRequest, notFound, ScimError } from './errors';
import { parseFilter } from './filter';
import { applyPatch, asBoolean, keyOf, parsePatchOp, type Doc, type Json } from './patch';
import { checkIfMatch, meta, type Paging } from './resource';
import { assertClientLive, clientActor, type ScimClient } from './tokens';
import { endEverything } from './access-end';
import { recomputePimAdmin } from './admin-groups';
import { deprovisionEffects } from '@/lib/policy/provisioning';

/**
 * SCIM Users (RFC 7643 §4.1) over Elevate's users (ADR 102). userName is the person's
 * sign-in name and e-mail (users.email, unique without regard to case), displayName and
 * active map to columns, externalId to its column; every other attribute the client sends
 * (name, emails, title, the enterprise extension, …) is kept as sent and given back, but
 * never decides anything. A client sees only users it can manage: source scim or oidc, in
 * its tenant, not deleted. Local accounts (bootstrap, break-glass, delegated approvers) are
 * invisible to it, so it can neither read, disable nor take them over.
 */
export interface ScimContext {
  db: Db;
  client: ScimClient;
  now: number;
  /** `https://host/scim/v2`, for meta.location */
  baseUrl: string;
}

export const USER_FILTER_ATTRS = ['username', 'externalid', 'displayname', 'id'] as const;

/** Attributes the client may not set: they are Elevate's, or never kept (a password sent by Okta is dropped unread). */
const NOT_KEPT = new Set(['schemas', 'id', 'meta', 'groups', 'password', 'username', 'displayname', 'active', 'externalid']);
const READ_ONLY = new Set(['id', 'meta', 'groups']);

const visible = (tenantId: string): SQL =>
  and(
    eq(users.tenantId, tenantId),
    ne(users.source, 'local'),
    sql`NOT EXISTS (SELECT 1 FROM ${scimDeletions} WHERE ${scimDeletions.resourceId} = ${users.id})`,
  )!;

export function toScimUser(u: User, baseUrl: string): Doc {
  const kept = u.scimAttributes ? (JSON.parse(u.scimAttributes) as Doc) : {};
  const schemas = [USER_URN, ...(keyOf(kept, ENTERPRISE_URN) ? [ENTERPRISE_URN] : [])];
  return {
    schemas,
    id: u.id,
    ...(u.externalId !== null ? { externalId: u.externalId } : {}),
    userName: u.email,
    displayName: u.displayName,
    active: !u.disabled,
    ...kept,
    meta: meta('User', baseUrl, u.id, u.createdAt, u.updatedAt, u.version),
  };
}

const text = (max: number) => z.string().trim().min(1).max(max);
/** userName: no spaces or control characters; it is how the person signs in and where Elevate writes to them */
const userName = z
  .string()
  .trim()
  .min(1)
  .max(254)
  .regex(/^[^\s\p{Cc}]+$/u, 'userName must not contain spaces.');

interface Desired {
  userName: string;
  displayName: string;
  externalId: string | null;
  active: boolean | undefined;
  attrs: Doc;
}

/** A User resource as sent (POST, PUT, or the result of a PATCH) → what Elevate keeps. */
export function readUser(body: unknown): Desired {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw badRequest('invalidSyntax', 'A User is a JSON object.');
  const b = body as Doc;
  const get = (attr: string) => {
    const k = keyOf(b, attr);
    return k === undefined ? undefined : b[k];
  };
  const schemas = get('schemas');
  if (
    schemas !== undefined &&
    (!Array.isArray(schemas) || !schemas.some((s) => typeof s === 'string' && s.toLowerCase() === USER_URN.toLowerCase()))
  ) {
    throw badRequest('invalidValue', `A User's "schemas" must include ${USER_URN}.`);
  }
  const name = userName.safeParse(get('userName'));
  if (!name.success)
    throw badRequest(
      'invalidValue',
      `"userName" is required: the person's sign-in name, usually their e-mail address (${name.error.issues[0].message}).`,
    );
  const rawActive = get('active');
  const active = rawActive === undefined || rawActive === null ? undefined : asBoolean(rawActive);
  if (rawActive !== undefined && rawActive !== null && active === undefined)
    throw badRequest('invalidValue', '"active" must be true or false.');
  const ext = get('externalId');
  if (ext !== undefined && ext !== null && !text(500).safeParse(ext).success)
    throw badRequest('invalidValue', '"externalId" must be a non-empty string.');
  const attrs: Doc = Object.fromEntries(Object.entries(b).filter(([k]) => !NOT_KEPT.has(k.toLowerCase())));
  normaliseBooleans(attrs);
  const given = get('displayName');
  const display = typeof given === 'string' && given.trim() ? given.trim() : fallbackName(attrs, name.data);
  if (display.length > 256) throw badRequest('invalidValue', '"displayName" is at most 256 characters.');
  if (JSON.stringify(attrs).length > 64_000) throw badRequest('invalidValue', 'The User carries more than 64 KB of other attributes.');
  return { userName: name.data, displayName: display, externalId: typeof ext === 'string' ? ext.trim() : null, active, attrs };
}

/** Entra ID's "True"/"False" in kept attributes (emails[].primary) become booleans, so they come back as SCIM says. */
function normaliseBooleans(v: Json) {
  if (Array.isArray(v)) v.forEach(normaliseBooleans);
  else if (v && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) {
      if (k.toLowerCase() === 'primary' && asBoolean(x) !== undefined) v[k] = asBoolean(x)!;
      else normaliseBooleans(x);
    }
  }
}

function fallbackName(attrs: Doc, userName: string): string {
  const nk = keyOf(attrs, 'name');
  const n = nk ? attrs[nk] : undefined;
  if (n && typeof n === 'object' && !Array.isArray(n)) {
    const part = (a: string) => {
      const k = keyOf(n, a);
      return k && typeof n[k] === 'string' ? (n[k] as string).trim() : '';
    };
    const formatted = part('formatted') || [part('givenName'), part('familyName')].filter(Boolean).join(' ');
    if (formatted) return formatted;
  }
  return userName;
}

function load(tx: Db | Tx, client: ScimClient, id: string): User {
  const u = tx
    .select()
    .from(users)
    .where(and(eq(users.id, id), visible(client.tenantId)))
    .get();
  if (!u) throw notFound('User', id);
  return u;
}

function userNameTaken(tx: Tx, name: string, exceptId: string | null): void {
  const other = tx
    .select({ id: users.id, source: users.source })
    .from(users)
    .where(sql`lower(${users.email}) = ${name.toLowerCase()}`)
    .get();
  if (other && other.id !== exceptId) {
    const why =
      other.source === 'local'
        ? "a local Elevate account holds it (a tenant PIM administrator can change that account's e-mail, or keep it local)"
        : 'another provisioned user holds it';
    throw new ScimError(409, `The userName "${name.slice(0, 254)}" is already taken: ${why}.`, 'uniqueness');
  }
}

const who = (u: Pick<User, 'id' | 'displayName'>) => ({ type: 'User', id: u.id, name: u.displayName });

export function getUser(ctx: ScimContext, id: string): Doc {
  return toScimUser(load(ctx.db, ctx.client, id), ctx.baseUrl);
}

export function listUsers(ctx: ScimContext, filter: string | null, paging: Paging): { total: number; items: Doc[] } {
  const where: SQL[] = [visible(ctx.client.tenantId)];
  for (const t of filter ? parseFilter(filter, USER_FILTER_ATTRS) : []) {
    if (typeof t.value !== 'string') throw badRequest('invalidFilter', `Compare ${t.attr} with a string in double quotes.`);
    if (t.attr === 'username') where.push(sql`lower(${users.email}) = ${t.value.toLowerCase()}`);
    else if (t.attr === 'externalid') where.push(eq(users.externalId, t.value));
    else if (t.attr === 'displayname') where.push(sql`${users.displayName} = ${t.value} COLLATE NOCASE`);
    else where.push(eq(users.id, t.value));
  }
  const cond = and(...where);
  const total = ctx.db.select({ n: count() }).from(users).where(cond).get()!.n;
  const rows =
    paging.count === 0
      ? []
      : ctx.db
          .select()
          .from(users)
          .where(cond)
          .orderBy(asc(users.createdAt), asc(users.id))
          .limit(paging.count)
          .offset(paging.startIndex - 1)
          .all();
  return { total, items: rows.map((u) => toScimUser(u, ctx.baseUrl)) };
}

export function createUser(ctx: ScimContext, body: unknown): Doc {
  const d = readUser(body);
  return ctx.db.transaction(
    (tx) => {
      assertClientLive(tx, ctx.client);
      userNameTaken(tx, d.userName, null);
      const tenant = tx.select({ mfa: tenants.mfaMethod }).from(tenants).where(eq(tenants.id, ctx.client.tenantId)).get()!;
      const id = crypto.randomUUID();
      const disabled = d.active === false;
      tx.insert(users)
        .values({
          id,
          tenantId: ctx.client.tenantId,
          email: d.userName,
          displayName: d.displayName,
          // no local password: a provisioned person signs in through single sign-on (lib/auth/credentials refuses an empty hash)
          passwordHash: '',
          source: 'scim',
          externalId: d.externalId,
          scimAttributes: JSON.stringify(d.attrs),
          disabled,
          // an authenticator is enrolled at first sign-in only where the tenant proves MFA by TOTP
          mustEnrolMfa: tenant.mfa === 'totp',
          createdAt: ctx.now,
          updatedAt: ctx.now,
          version: 1,
        })
        .run();
      writeAudit(tx, {
        at: ctx.now,
        actor: clientActor(ctx.client),
        action: 'User provisioned',
        principal: who({ id, displayName: d.displayName }),
        details: { userName: d.userName, externalId: d.externalId, active: !disabled, scimTokenId: ctx.client.tokenId },
      });
      return toScimUser(load(tx, ctx.client, id), ctx.baseUrl);
    },
    { behavior: 'immediate' },
  );
}

/** Writes the desired state over the stored user, audits what changed, and deprovisions when active turns false. */
function write(tx: Tx, ctx: ScimContext, u: User, d: Desired, mode: 'replace' | 'patch'): User {
  const attrs = JSON.stringify(d.attrs);
  const disabled = d.active === undefined ? u.disabled : !d.active;
  const changed = [
    d.userName !== u.email && 'userName',
    d.displayName !== u.displayName && 'displayName',
    d.externalId !== u.externalId && 'externalId',
    attrs !== (u.scimAttributes ?? '{}') && 'attributes',
    disabled !== u.disabled && 'active',
  ].filter((x): x is string => Boolean(x));
  if (changed.length === 0) return u;
  if (d.userName.toLowerCase() !== u.email.toLowerCase()) userNameTaken(tx, d.userName, u.id);
  tx.update(users)
    .set({
      email: d.userName,
      displayName: d.displayName,
      externalId: d.externalId,
      scimAttributes: attrs,
      disabled,
      version: u.version + 1,
      updatedAt: ctx.now,
      ...(disabled ? { sessionVersion: u.sessionVersion + 1 } : u.disabled ? { failedSignIns: 0, lockedUntil: null } : {}),
    })
    .where(eq(users.id, u.id))
    .run();
  const person = { id: u.id, displayName: d.displayName };
  const base = { scimTokenId: ctx.client.tokenId, via: mode === 'replace' ? 'PUT' : 'PATCH' };
  const others = changed.filter((c) => c !== 'active');
  if (others.length) {
    writeAudit(tx, {
      at: ctx.now,
      actor: clientActor(ctx.client),
      action: 'User updated by provisioning',
      principal: who(person),
      details: { changed: others, ...(others.includes('userName') ? { userName: { from: u.email, to: d.userName } } : {}), ...base },
    });
  }
  if (disabled && !u.disabled) {
    writeAudit(tx, {
      at: ctx.now,
      actor: clientActor(ctx.client),
      action: 'User disabled by provisioning',
      principal: who(person),
      details: base,
    });
    const ended = endEverything(tx, ctx.client, person, ctx.now, 'disable');
    writeAudit(tx, {
      at: ctx.now,
      actor: clientActor(ctx.client),
      action: 'Access ended by provisioning',
      principal: who(person),
      details: { ...ended, ...base },
    });
  } else if (!disabled && u.disabled) {
    writeAudit(tx, {
      at: ctx.now,
      actor: clientActor(ctx.client),
      action: 'User enabled by provisioning',
      principal: who(person),
      details: base,
    });
  }
  return tx.select().from(users).where(eq(users.id, u.id)).get()!;
}

export function replaceUser(ctx: ScimContext, id: string, body: unknown, ifMatch: string | null): Doc {
  const d = readUser(body);
  return ctx.db.transaction(
    (tx) => {
      assertClientLive(tx, ctx.client);
      const u = load(tx, ctx.client, id);
      checkIfMatch(ifMatch, u.version);
      const sentId = keyOf(body as Doc, 'id');
      if (sentId && (body as Doc)[sentId] !== id) throw badRequest('mutability', '"id" cannot be changed.');
      return toScimUser(write(tx, ctx, u, d, 'replace'), ctx.baseUrl);
    },
    { behavior: 'immediate' },
  );
}

export function patchUser(ctx: ScimContext, id: string, body: unknown, ifMatch: string | null): Doc {
  const ops = parsePatchOp(body);
  return ctx.db.transaction(
    (tx) => {
      assertClientLive(tx, ctx.client);
      const u = load(tx, ctx.client, id);
      checkIfMatch(ifMatch, u.version);
      const { meta: _meta, ...current } = toScimUser(u, ctx.baseUrl);
      // id may be "replaced" with itself (Okta sends the whole resource); anything else read-only is refused
      const next = applyPatch(current, ops, (attr, value) => READ_ONLY.has(attr) && !(attr === 'id' && value === u.id));
      return toScimUser(write(tx, ctx, u, readUser(next), 'patch'), ctx.baseUrl);
    },
    { behavior: 'immediate' },
  );
}

/**
 * DELETE: the person is deprovisioned as by active: false, leaves every group, and the row
 * is kept (requests, schedules and the audit name it) but no longer seen by SCIM. The
 * userName is released, so the provider can create the person again as a new user.
 */
export function deleteUser(ctx: ScimContext, id: string, ifMatch: string | null): void {
  ctx.db.transaction(
    (tx) => {
      assertClientLive(tx, ctx.client);
      const u = load(tx, ctx.client, id);
      checkIfMatch(ifMatch, u.version);
      const person = { id: u.id, displayName: u.displayName };
      // also for someone already disabled (perhaps by an administrator): what is left of their access ends now
      const ended = endEverything(tx, ctx.client, person, ctx.now, 'delete');
      const fx = deprovisionEffects('delete');
      const groups = !fx.leaveGroups
        ? []
        : tx
            .select({ groupId: groupMembers.groupId })
            .from(groupMembers)
            .where(eq(groupMembers.userId, u.id))
            .all()
            .map((g) => g.groupId);
      if (fx.leaveGroups) tx.delete(groupMembers).where(eq(groupMembers.userId, u.id)).run();
      tx.update(users)
        .set({
          disabled: true,
          sessionVersion: u.sessionVersion + 1,
          ...(fx.releaseUserName ? { email: `deleted-${u.id}@scim.invalid`, externalId: null } : {}),
          oidcIssuer: null,
          oidcSub: null,
          version: u.version + 1,
          updatedAt: ctx.now,
        })
        .where(eq(users.id, u.id))
        .run();
      recomputePimAdmin(tx, ctx, [u.id]);
      tx.insert(scimDeletions).values({ resourceId: u.id, resourceType: 'User', deletedAt: ctx.now, tokenId: ctx.client.tokenId }).run();
      writeAudit(tx, {
        at: ctx.now,
        actor: clientActor(ctx.client),
        action: 'User deleted by provisioning',
        principal: who(person),
        details: { userName: u.email, externalId: u.externalId, groupsLeft: groups, ...ended, scimTokenId: ctx.client.tokenId },
      });
    },
    { behavior: 'immediate' },
  );
}
