import crypto from 'node:crypto';
import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Db, DbOrTx, Tx } from '@/db/client';
import { connectorBindings, connectors, type Connector, type ConnectorBinding } from '@/db/schema';
import { writeAudit } from '@/lib/audit/write';
import { ElevateError } from '@/lib/errors';
import { seal, unseal } from '@/lib/crypto/seal';
import type { BindingRule } from '@/lib/policy';
import type { LoginRule } from './spec';
import { requirePimAdmin } from '@/lib/resources/access';
import { policyIndex } from '@/lib/tenant/engine';

/** Connectors reach outside Elevate with its secrets: only tenant PIM administrators manage them. */
export function requireConnectorAdmin(db: DbOrTx, actor: Actor): void {
  requirePimAdmin(policyIndex(db), actor.id);
}

/**
 * Connectors and bindings as stored, and the changes administrators make to them. A
 * binding's roles are stored by role id; people write role names or GUIDs, resolved here.
 * Removal is two-phase: the row is marked removed, the reconciler revokes everything the
 * binding granted in the target, and only then deletes it — so removing a binding never
 * strands access in a target.
 */

export interface Actor {
  id: string;
  displayName: string;
}

export const SYSTEM_ACTOR = { id: null, name: 'Elevate' } as const;

export function parseRoles(json: string): Map<string, string> {
  return new Map(Object.entries(JSON.parse(json) as Record<string, string>));
}

export function bindingRule(b: ConnectorBinding): BindingRule {
  return { id: b.id, scopeId: b.scopeId, roles: b.removedAt === null ? parseRoles(b.roles) : new Map() };
}

export interface PostgresOptionsStored {
  login: LoginRule;
  terminateSessions: boolean;
}
export interface WebhookOptionsStored {
  url: string;
  events: string[];
}

export function optionsOf<T>(c: Connector): T {
  return JSON.parse(c.options) as T;
}

/** The connector's secret (connection string, signing secret): from its env reference or unsealed. Throws a message naming what is missing. */
export function connectorSecret(c: Connector, env: NodeJS.ProcessEnv, key: Buffer): string {
  if (c.secretRef) {
    const name = c.secretRef.slice('env:'.length);
    const value = env[name];
    if (!value) throw new ElevateError('InvalidRequest', `Connector ${c.id}: environment variable ${name} is not set.`);
    return value;
  }
  if (c.secretSealed) return unseal(c.secretSealed, key);
  throw new ElevateError('InvalidRequest', `Connector ${c.id} has no secret.`);
}

export function sealSecret(secret: string, key: Buffer): string {
  return seal(secret, key);
}

/** Role keys as people write them (name, case-insensitive, or GUID) → role ids. Unknown keys are listed. */
export function resolveRoleKeys(db: DbOrTx, keys: string[]): { ids: Map<string, string>; unknown: string[] } {
  const rows = db.all<{ id: string; name: string }>(sql`SELECT id, name FROM role_definitions`);
  const byName = new Map(rows.map((r) => [r.name.toLowerCase(), r.id]));
  const byId = new Map(rows.map((r) => [r.id.toLowerCase(), r.id]));
  const ids = new Map<string, string>();
  const unknown: string[] = [];
  for (const k of keys) {
    const id = byId.get(k.toLowerCase()) ?? byName.get(k.toLowerCase());
    if (id) ids.set(k, id);
    else unknown.push(k);
  }
  return { ids, unknown };
}

export function resourceExists(db: DbOrTx, scopeId: string): boolean {
  return db.get(sql`SELECT 1 AS x FROM resources WHERE id = ${scopeId.toLowerCase()}`) !== undefined;
}

export function liveConnectors(db: DbOrTx): Connector[] {
  return db.select().from(connectors).orderBy(connectors.id).all();
}

export function connectorBindingsOf(db: DbOrTx, connectorId: string): ConnectorBinding[] {
  return db
    .select()
    .from(connectorBindings)
    .where(eq(connectorBindings.connectorId, connectorId))
    .orderBy(connectorBindings.createdAt, connectorBindings.id)
    .all();
}

export function getConnector(db: DbOrTx, id: string): Connector | undefined {
  return db.select().from(connectors).where(eq(connectors.id, id)).get();
}

/**
 * Targets already mapped by another binding of the connector — including one being
 * removed, which is still revoking: each target belongs to one binding at a time, so two
 * bindings never grant and revoke the same membership against each other, and drift has
 * one owner.
 */
export function targetsInUse(db: DbOrTx, connectorId: string, exceptBindingId?: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const b of db.select().from(connectorBindings).where(eq(connectorBindings.connectorId, connectorId)).all()) {
    if (b.id === exceptBindingId) continue;
    for (const t of parseRoles(b.roles).values()) out.set(t, b.id);
  }
  return out;
}

export interface NewBinding {
  scopeId: string;
  mode: 'report' | 'enforce';
  roles: Map<string, string>;
}

/** Inserts a binding after the checks every source shares. Throws InvalidRequest naming the problem. */
export function insertBinding(
  tx: Tx,
  connector: Connector,
  b: NewBinding,
  source: 'file' | 'portal',
  now: number,
  id: string = crypto.randomUUID(),
): string {
  if (connector.type !== 'postgresql')
    throw new ElevateError('InvalidRequest', 'Only target connectors (PostgreSQL) take bindings; webhooks receive events.');
  const scopeId = b.scopeId.toLowerCase();
  if (!resourceExists(tx, scopeId))
    throw new ElevateError('InvalidRequest', `There is no resource ${b.scopeId} in the tree. Add or import it first.`, {
      fieldErrors: { scope: ['Unknown resource.'] },
    });
  const used = targetsInUse(tx, connector.id);
  for (const t of b.roles.values()) {
    if (used.has(t)) {
      const removing =
        tx
          .select({ removedAt: connectorBindings.removedAt })
          .from(connectorBindings)
          .where(eq(connectorBindings.id, used.get(t)!))
          .get()?.removedAt != null;
      const why = removing
        ? `a binding of ${connector.id} that is being removed still holds ${t} while it revokes; try again in a few seconds`
        : `the target ${t} is already mapped by another binding of ${connector.id}; each target belongs to one binding`;
      throw new ElevateError('Conflict', `${why[0].toUpperCase()}${why.slice(1)}.`, {
        fieldErrors: { roles: [`${t} is already mapped.`] },
      });
    }
  }
  tx.insert(connectorBindings)
    .values({
      id,
      connectorId: connector.id,
      scopeId,
      mode: b.mode,
      roles: JSON.stringify(Object.fromEntries(b.roles)),
      source,
      createdAt: now,
      updatedAt: now,
    })
    .run();
  return id;
}

export interface NewPortalConnector {
  id: string;
  displayName: string;
  type: 'postgresql' | 'webhook';
  options: PostgresOptionsStored | WebhookOptionsStored;
  secret: string;
}

export function createPortalConnector(db: Db, actor: Actor, input: NewPortalConnector, key: Buffer, now: number): Connector {
  return db.transaction(
    (tx) => {
      requireConnectorAdmin(tx, actor);
      if (getConnector(tx, input.id))
        throw new ElevateError('Conflict', `A connector named ${input.id} already exists.`, { fieldErrors: { id: ['Already in use.'] } });
      // a new webhook starts at the journal's end: it receives what happens from now on, not history
      const cursor = tx.get<{ seq: number }>(sql`SELECT coalesce(max(seq), 0) AS seq FROM connector_events`)?.seq ?? 0;
      tx.insert(connectors)
        .values({
          id: input.id,
          type: input.type,
          displayName: input.displayName,
          source: 'portal',
          options: JSON.stringify(input.options),
          secretSealed: sealSecret(input.secret, key),
          eventCursor: cursor,
          createdAt: now,
          updatedAt: now,
          createdBy: actor.id,
        })
        .run();
      writeAudit(tx, {
        at: now,
        actor: { id: actor.id, name: actor.displayName },
        action: 'Connector created',
        details: { connectorId: input.id, type: input.type, options: input.options },
      });
      return getConnector(tx, input.id)!;
    },
    { behavior: 'immediate' },
  );
}

function requirePortal(c: Connector | undefined, what: string): Connector {
  if (!c || c.removedAt !== null) throw new ElevateError('NotFound', 'That connector does not exist.');
  if (c.source === 'file') throw new ElevateError('InvalidRequest', `${c.id} is defined in the connectors file; ${what} there.`);
  return c;
}

export function addPortalBinding(db: Db, actor: Actor, connectorId: string, b: NewBinding, now: number): string {
  return db.transaction(
    (tx) => {
      requireConnectorAdmin(tx, actor);
      const c = requirePortal(getConnector(tx, connectorId), 'change its bindings');
      const id = insertBinding(tx, c, b, 'portal', now);
      writeAudit(tx, {
        at: now,
        actor: { id: actor.id, name: actor.displayName },
        action: 'Connector binding added',
        scopeId: b.scopeId.toLowerCase(),
        details: { connectorId, bindingId: id, mode: b.mode, roles: Object.fromEntries(b.roles) },
      });
      return id;
    },
    { behavior: 'immediate' },
  );
}

/** Marks the binding removed; the reconciler revokes its grants, then deletes it. */
export function removePortalBinding(db: Db, actor: Actor, bindingId: string, now: number): void {
  db.transaction(
    (tx) => {
      requireConnectorAdmin(tx, actor);
      const b = tx.select().from(connectorBindings).where(eq(connectorBindings.id, bindingId)).get();
      if (!b || b.removedAt !== null) throw new ElevateError('NotFound', 'That binding does not exist.');
      requirePortal(getConnector(tx, b.connectorId), 'change its bindings');
      tx.update(connectorBindings)
        .set({ removedAt: now, updatedAt: now, nextAttemptAt: null })
        .where(eq(connectorBindings.id, bindingId))
        .run();
      writeAudit(tx, {
        at: now,
        actor: { id: actor.id, name: actor.displayName },
        action: 'Connector binding removed',
        scopeId: b.scopeId,
        details: { connectorId: b.connectorId, bindingId },
      });
    },
    { behavior: 'immediate' },
  );
}

export function setBindingMode(db: Db, actor: Actor, bindingId: string, mode: 'report' | 'enforce', now: number): void {
  db.transaction(
    (tx) => {
      requireConnectorAdmin(tx, actor);
      const b = tx.select().from(connectorBindings).where(eq(connectorBindings.id, bindingId)).get();
      if (!b || b.removedAt !== null) throw new ElevateError('NotFound', 'That binding does not exist.');
      requirePortal(getConnector(tx, b.connectorId), 'change its bindings');
      // a full reconcile soon applies the new mode to drift already found
      tx.update(connectorBindings).set({ mode, updatedAt: now, lastFullAt: null }).where(eq(connectorBindings.id, bindingId)).run();
      writeAudit(tx, {
        at: now,
        actor: { id: actor.id, name: actor.displayName },
        action: 'Connector binding updated',
        scopeId: b.scopeId,
        details: { connectorId: b.connectorId, bindingId, mode },
      });
    },
    { behavior: 'immediate' },
  );
}

/** Marks the connector and its bindings removed; the reconciler revokes, then deletes them. */
export function removePortalConnector(db: Db, actor: Actor, connectorId: string, now: number): void {
  db.transaction(
    (tx) => {
      requireConnectorAdmin(tx, actor);
      requirePortal(getConnector(tx, connectorId), 'remove it from the file');
      markConnectorRemoved(tx, connectorId, now);
      writeAudit(tx, { at: now, actor: { id: actor.id, name: actor.displayName }, action: 'Connector removed', details: { connectorId } });
    },
    { behavior: 'immediate' },
  );
}

export function markConnectorRemoved(tx: Tx, connectorId: string, now: number): void {
  tx.update(connectors).set({ removedAt: now, updatedAt: now }).where(eq(connectors.id, connectorId)).run();
  tx.update(connectorBindings)
    .set({ removedAt: now, updatedAt: now })
    .where(and(eq(connectorBindings.connectorId, connectorId), isNull(connectorBindings.removedAt)))
    .run();
}

/** Asks for a full reconcile of the connector's bindings at the next tick ("Reconcile now"). */
export function requestFullReconcile(db: Db, actor: Actor, connectorId: string, now: number): void {
  db.transaction(
    (tx) => {
      requireConnectorAdmin(tx, actor);
      const c = getConnector(tx, connectorId);
      if (!c || c.removedAt !== null) throw new ElevateError('NotFound', 'That connector does not exist.');
      tx.update(connectorBindings)
        .set({ lastFullAt: null, nextAttemptAt: null })
        .where(eq(connectorBindings.connectorId, connectorId))
        .run();
      writeAudit(tx, {
        at: now,
        actor: { id: actor.id, name: actor.displayName },
        action: 'Connector reconcile requested',
        details: { connectorId },
      });
    },
    { behavior: 'immediate' },
  );
}
