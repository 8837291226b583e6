import 'server-only';
import crypto from 'node:crypto';
import { and, desc, eq } from 'drizzle-orm';
import type { Db, Tx } from '@/db/client';
import { scimTokens, users, type ScimToken, type User } from '@/db/schema';
import { ElevateError } from '@/lib/errors';
import { hashToken } from '@/lib/crypto/seal';
import { writeAudit } from '@/lib/audit/write';
import { policyIndex } from '@/lib/tenant/engine';
import { requirePimAdmin } from '@/lib/resources/access';
import { ScimError } from './errors';

/**
 * SCIM bearer tokens (ADR 102): `scim_` + 32 random bytes, created by a tenant PIM
 * administrator under Admin › Users and groups › Provisioning, shown once, stored as a
 * SHA-256 hash (looked up by hash, so no secret is ever compared byte by byte), revocable,
 * listed with their last use. They do not expire: the identity provider holds them and
 * an expiry would silently stop provisioning (and so deprovisioning) one day.
 */
export const SCIM_TOKEN_PREFIX = 'scim_';
export const SCIM_TOKEN_PATTERN = /^scim_[A-Za-z0-9_-]{43}$/;

type Actor = Pick<User, 'id' | 'displayName'>;

export type ScimTokenSummary = Omit<ScimToken, 'tokenHash'> & { status: 'Active' | 'Revoked'; createdByName: string | null };

/** The provisioning client a request comes from, as its audit events name it. */
export interface ScimClient {
  tokenId: string;
  tenantId: string;
  name: string;
}

/** How audit events name a provisioning client: the actor is no person, so its id is null and its name says what it is. */
export const clientActor = (c: ScimClient) => ({ id: null, name: `SCIM client "${c.name}"` });

function summarise(row: ScimToken, createdByName: string | null): ScimTokenSummary {
  const { tokenHash: _hash, ...rest } = row;
  return { ...rest, status: row.revokedAt === null ? 'Active' : 'Revoked', createdByName };
}

function cleanName(name: string): string {
  const trimmed = name.trim();
  if (trimmed.length < 1 || trimmed.length > 80) {
    const msg = 'Name the token after the identity provider that uses it (1 to 80 characters).';
    throw new ElevateError('InvalidRequest', msg, { fieldErrors: { name: [msg] } });
  }
  return trimmed;
}

export function createScimToken(db: Db, actor: Actor, input: { name: string }, now: number): { token: string; summary: ScimTokenSummary } {
  const name = cleanName(input.name);
  return db.transaction(
    (tx) => {
      requirePimAdmin(policyIndex(tx), actor.id);
      const tenantId = tx.select({ t: users.tenantId }).from(users).where(eq(users.id, actor.id)).get()!.t;
      const token = SCIM_TOKEN_PREFIX + crypto.randomBytes(32).toString('base64url');
      const row: ScimToken = {
        id: crypto.randomUUID(),
        tenantId,
        name,
        tokenHash: hashToken(token),
        prefix: token.slice(0, 10),
        createdAt: now,
        createdBy: actor.id,
        lastUsedAt: null,
        revokedAt: null,
        revokedBy: null,
      };
      tx.insert(scimTokens).values(row).run();
      writeAudit(tx, {
        at: now,
        actor: { id: actor.id, name: actor.displayName },
        action: 'SCIM token created',
        details: { tokenId: row.id, name, prefix: row.prefix },
      });
      return { token, summary: summarise(row, actor.displayName) };
    },
    { behavior: 'immediate' },
  );
}

/** The tenant's SCIM tokens, newest first (a tenant has a handful). Only PIM administrators see them. */
export function listScimTokens(db: Db, actor: Pick<User, 'id'>): ScimTokenSummary[] {
  requirePimAdmin(policyIndex(db), actor.id);
  const tenantId = db.select({ t: users.tenantId }).from(users).where(eq(users.id, actor.id)).get()!.t;
  return db
    .select({ t: scimTokens, by: users.displayName })
    .from(scimTokens)
    .leftJoin(users, eq(users.id, scimTokens.createdBy))
    .where(eq(scimTokens.tenantId, tenantId))
    .orderBy(desc(scimTokens.createdAt))
    .all()
    .map((r) => summarise(r.t, r.by));
}

export function revokeScimToken(db: Db, actor: Actor, tokenId: string, now: number): ScimTokenSummary {
  return db.transaction(
    (tx) => {
      requirePimAdmin(policyIndex(tx), actor.id);
      const tenantId = tx.select({ t: users.tenantId }).from(users).where(eq(users.id, actor.id)).get()!.t;
      const row = tx
        .select()
        .from(scimTokens)
        .where(and(eq(scimTokens.id, tokenId), eq(scimTokens.tenantId, tenantId)))
        .get();
      if (!row) throw new ElevateError('NotFound', 'That SCIM token does not exist.');
      if (row.revokedAt !== null) return summarise(row, null);
      tx.update(scimTokens).set({ revokedAt: now, revokedBy: actor.id }).where(eq(scimTokens.id, row.id)).run();
      writeAudit(tx, {
        at: now,
        actor: { id: actor.id, name: actor.displayName },
        action: 'SCIM token revoked',
        details: { tokenId: row.id, name: row.name, prefix: row.prefix },
      });
      return summarise({ ...row, revokedAt: now, revokedBy: actor.id }, null);
    },
    { behavior: 'immediate' },
  );
}

/**
 * Inside a write transaction: the token must still be live. A revocation that committed
 * after the request was authenticated stops it here, before it changes anything.
 */
export function assertClientLive(tx: Tx, client: ScimClient): void {
  const row = tx.select({ revokedAt: scimTokens.revokedAt }).from(scimTokens).where(eq(scimTokens.id, client.tokenId)).get();
  if (!row || row.revokedAt !== null)
    throw new ScimError(401, 'The SCIM token was revoked. Create a new one under Admin › Users and groups › Provisioning.');
}

/** last use is informational: written at most once a minute, so a full sync does not write on every call */
const LAST_USED_GRANULARITY_MS = 60_000;

/** The provisioning client behind a bearer token, or null for an unknown, malformed or revoked one. */
export function authenticateScimToken(db: Db, bearer: string, now: number): ScimClient | null {
  if (!SCIM_TOKEN_PATTERN.test(bearer)) return null;
  const row = db
    .select()
    .from(scimTokens)
    .where(eq(scimTokens.tokenHash, hashToken(bearer)))
    .get();
  if (!row || row.revokedAt !== null) return null;
  if (row.lastUsedAt === null || now - row.lastUsedAt >= LAST_USED_GRANULARITY_MS) {
    db.update(scimTokens).set({ lastUsedAt: now }).where(eq(scimTokens.id, row.id)).run();
  }
  return { tokenId: row.id, tenantId: row.tenantId, name: row.name };
}
