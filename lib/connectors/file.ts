import crypto from 'node:crypto';
import fs from 'node:fs';
import { and, eq, isNull, sql } from 'drizzle-orm';
import { findNodeAtLocation, parseTree, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser';
import type { Db, Tx } from '@/db/client';
import { connectorBindings, connectors } from '@/db/schema';
import { writeAudit } from '@/lib/audit/write';
import { ElevateError } from '@/lib/errors';
import { connectorsFile, type ConnectorSpec } from './spec';
import { webhookSecretProblem } from './webhook/secret';
import { getConnector, insertBinding, markConnectorRemoved, resolveRoleKeys, resourceExists, SYSTEM_ACTOR } from './store';

/**
 * Connectors kept in Git: the file named by ELEVATE_CONNECTORS_FILE, validated at start-up
 * (a bad file stops the server with every problem, each naming its line and field) and
 * then made the truth for connectors whose source is 'file'. They show read-only in the
 * portal. A binding is identified by its connector and scope (one binding per resource),
 * so reordering the file changes nothing and editing a binding's roles or mode changes it
 * in place.
 */
export class ConnectorsFileError extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`Elevate cannot start: invalid connectors file ${file}\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConnectorsFileError';
  }
}

function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

function fieldName(path: (string | number)[]): string {
  return path.reduce<string>((s, p) => (typeof p === 'number' ? `${s}[${p}]` : s ? `${s}.${p}` : p), '') || '(top level)';
}

/** The line of the deepest node that exists on `path` (a missing field is reported where its object starts). */
function lineAt(text: string, root: Node | undefined, path: (string | number)[]): number {
  for (let n = path.length; n >= 0; n--) {
    const node = root && findNodeAtLocation(root, path.slice(0, n));
    if (node) return lineOf(text, node.parent?.type === 'property' && n > 0 ? node.parent.offset : node.offset);
  }
  return 1;
}

export interface LoadedConnectors {
  file: string;
  specs: ConnectorSpec[];
  /** role ids per connector id and binding index, resolved against the database */
  roleIds: Map<string, Map<string, string>[]>;
}

/** Reads and checks the file against the schema, the environment and the database. Throws ConnectorsFileError. */
export function loadConnectorsFile(file: string, db: Db, env: NodeJS.ProcessEnv): LoadedConnectors {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConnectorsFileError(file, [`cannot read the file: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`]);
  }
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { allowTrailingComma: false, disallowComments: true });
  if (errors.length > 0 || !root) {
    throw new ConnectorsFileError(
      file,
      errors.map((e) => `line ${lineOf(text, e.offset)}: JSON syntax error (${printParseErrorCode(e.error)})`),
    );
  }
  const parsed = connectorsFile.safeParse(JSON.parse(text));
  if (!parsed.success) {
    throw new ConnectorsFileError(
      file,
      parsed.error.issues.map((i) => {
        const path = i.path.filter((p): p is string | number => typeof p !== 'symbol');
        return `line ${lineAt(text, root, path)}, ${fieldName(path)}: ${i.message}`;
      }),
    );
  }
  const problems: string[] = [];
  const at = (path: (string | number)[], msg: string) => problems.push(`line ${lineAt(text, root, path)}, ${fieldName(path)}: ${msg}`);
  const seen = new Set<string>();
  const roleIds = new Map<string, Map<string, string>[]>();
  parsed.data.connectors.forEach((c, ci) => {
    if (seen.has(c.id)) at(['connectors', ci, 'id'], `the id ${c.id} is used twice`);
    seen.add(c.id);
    const ref = c.type === 'postgresql' ? c.connection : c.secret;
    const field = c.type === 'postgresql' ? 'connection' : 'secret';
    const name = ref.slice('env:'.length);
    if (!env[name]) at(['connectors', ci, field], `environment variable ${name} is not set`);
    else if (c.type === 'webhook') {
      const problem = webhookSecretProblem(env[name]!);
      if (problem) at(['connectors', ci, field], `environment variable ${name}: ${problem}`);
    }
    if (c.type !== 'postgresql') return;
    const targets = new Map<string, number>();
    const perBinding: Map<string, string>[] = [];
    const scopes = new Map<string, number>();
    c.bindings.forEach((b, bi) => {
      const prevScope = scopes.get(b.scope.toLowerCase());
      if (prevScope !== undefined)
        at(['connectors', ci, 'bindings', bi, 'scope'], `bindings[${prevScope}] already binds this resource; put its roles in one binding`);
      scopes.set(b.scope.toLowerCase(), bi);
      if (!resourceExists(db, b.scope)) at(['connectors', ci, 'bindings', bi, 'scope'], `there is no resource ${b.scope} in the tree`);
      const { ids, unknown } = resolveRoleKeys(db, Object.keys(b.roles));
      for (const k of unknown) at(['connectors', ci, 'bindings', bi, 'roles', k], `there is no role named ${k}`);
      const byId = new Map<string, string>();
      for (const [k, target] of Object.entries(b.roles)) {
        const prev = targets.get(target);
        if (prev !== undefined && prev !== bi)
          at(
            ['connectors', ci, 'bindings', bi, 'roles', k],
            `target ${target} is already mapped by bindings[${prev}]; each target belongs to one binding`,
          );
        targets.set(target, bi);
        const id = ids.get(k);
        if (id && byId.has(id)) at(['connectors', ci, 'bindings', bi, 'roles', k], 'this role is mapped twice');
        if (id) byId.set(id, target);
      }
      perBinding.push(byId);
    });
    roleIds.set(c.id, perBinding);
  });
  if (problems.length > 0) throw new ConnectorsFileError(file, problems);
  return { file, specs: parsed.data.connectors, roleIds };
}

/** A file binding's id names its connector and scope: reordering the file or changing its roles or mode keeps it. */
export function fileBindingId(connectorId: string, scopeId: string): string {
  return `file-${crypto
    .createHash('sha256')
    .update(JSON.stringify([connectorId, scopeId.toLowerCase()]))
    .digest('hex')
    .slice(0, 24)}`;
}

/** Makes the database's file-sourced connectors match the file; portal connectors are untouched. */
export function syncConnectorsFile(db: Db, loaded: LoadedConnectors, now: number): { added: number; removed: number } {
  try {
    return db.transaction((tx) => syncInTx(tx, loaded, now), { behavior: 'immediate' });
  } catch (e) {
    // what only the database can refuse (a target still being revoked) stops the start like any other problem
    if (e instanceof ElevateError) throw new ConnectorsFileError(loaded.file, [e.message]);
    throw e;
  }
}

function syncInTx(tx: Tx, loaded: LoadedConnectors, now: number) {
  let added = 0;
  let removed = 0;
  const inFile = new Set(loaded.specs.map((c) => c.id));
  for (const row of tx
    .select()
    .from(connectors)
    .where(and(eq(connectors.source, 'file'), isNull(connectors.removedAt)))
    .all()) {
    if (inFile.has(row.id)) continue;
    markConnectorRemoved(tx, row.id, now);
    removed++;
    writeAudit(tx, { at: now, actor: SYSTEM_ACTOR, action: 'Connector removed', details: { connectorId: row.id, source: loaded.file } });
  }
  for (const c of loaded.specs) {
    const options = c.type === 'postgresql' ? { login: c.login, terminateSessions: c.terminateSessions } : { url: c.url, events: c.events };
    const secretRef = c.type === 'postgresql' ? c.connection : c.secret;
    const existing = getConnector(tx, c.id);
    if (existing && existing.source === 'portal' && existing.removedAt === null) {
      throw new ConnectorsFileError(loaded.file, [
        `connectors: ${c.id} already exists as a connector created in the portal; rename one of them`,
      ]);
    }
    if (existing && existing.removedAt !== null) {
      // still revoking after an earlier removal: let that finish under the old row, start afresh after
      throw new ConnectorsFileError(loaded.file, [
        `connectors: ${c.id} was removed and is still revoking its grants; start again in a minute`,
      ]);
    }
    const values = { type: c.type, displayName: c.name ?? c.id, options: JSON.stringify(options), secretRef, updatedAt: now };
    if (existing) tx.update(connectors).set(values).where(eq(connectors.id, c.id)).run();
    else {
      const cursor = tx.get<{ seq: number }>(sql`SELECT coalesce(max(seq), 0) AS seq FROM connector_events`)?.seq ?? 0;
      tx.insert(connectors)
        .values({ id: c.id, source: 'file', eventCursor: cursor, createdAt: now, ...values })
        .run();
      added++;
      writeAudit(tx, {
        at: now,
        actor: SYSTEM_ACTOR,
        action: 'Connector created',
        details: { connectorId: c.id, type: c.type, source: loaded.file, options },
      });
    }
    if (c.type !== 'postgresql') continue;
    const row = getConnector(tx, c.id)!;
    const wanted = new Map<string, { scopeId: string; mode: 'report' | 'enforce'; roles: Map<string, string> }>();
    c.bindings.forEach((b, bi) => {
      const roles = loaded.roleIds.get(c.id)![bi];
      wanted.set(fileBindingId(c.id, b.scope), { scopeId: b.scope, mode: b.mode, roles });
    });
    const current = tx
      .select()
      .from(connectorBindings)
      .where(and(eq(connectorBindings.connectorId, c.id), isNull(connectorBindings.removedAt)))
      .all();
    // A binding whose scope stays is changed in place (mode, roles): the reconciler then
    // revokes what it no longer maps and grants what it newly maps, with no moment where
    // an old and a new binding fight over the same target.
    for (const b of current) {
      const w = wanted.get(b.id);
      if (!w) {
        tx.update(connectorBindings).set({ removedAt: now, updatedAt: now }).where(eq(connectorBindings.id, b.id)).run();
        writeAudit(tx, {
          at: now,
          actor: SYSTEM_ACTOR,
          action: 'Connector binding removed',
          scopeId: b.scopeId,
          details: { connectorId: c.id, bindingId: b.id, source: loaded.file },
        });
        continue;
      }
      const roles = JSON.stringify(Object.fromEntries(w.roles));
      if (b.mode === w.mode && b.roles === roles) continue;
      // a full pass soon applies the new mode and mapping to what the target holds
      tx.update(connectorBindings)
        .set({ mode: w.mode, roles, updatedAt: now, lastFullAt: null })
        .where(eq(connectorBindings.id, b.id))
        .run();
      writeAudit(tx, {
        at: now,
        actor: SYSTEM_ACTOR,
        action: 'Connector binding updated',
        scopeId: b.scopeId,
        details: { connectorId: c.id, bindingId: b.id, mode: w.mode, roles: Object.fromEntries(w.roles), source: loaded.file },
      });
    }
    const have = new Set(current.map((b) => b.id));
    for (const [id, b] of wanted) {
      if (have.has(id)) continue;
      // a removed binding on the same scope may still be revoking: give the new one a fresh id
      const clash = tx.select({ id: connectorBindings.id }).from(connectorBindings).where(eq(connectorBindings.id, id)).get();
      const bindingId = insertBinding(tx, row, b, 'file', now, clash ? `${id}-${now}` : id);
      writeAudit(tx, {
        at: now,
        actor: SYSTEM_ACTOR,
        action: 'Connector binding added',
        scopeId: b.scopeId.toLowerCase(),
        details: { connectorId: c.id, bindingId, mode: b.mode, roles: Object.fromEntries(b.roles), source: loaded.file },
      });
    }
  }
  return { added, removed };
}
