import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import * as s from '@/db/schema';
import { freshDb } from '@/tests/support/db';
import { newWebhookSecret } from './webhook/secret';
import { ConnectorsFileError, loadConnectorsFile, syncConnectorsFile } from './file';
import { addFinanceDevDb, FINANCE_DEV_DB_ARM } from './test-support';

let env: ReturnType<typeof freshDb>;
afterEach(() => env?.close());

const ENV = {
  FINANCE_DB_URL: 'postgres://elevate_connector:x@127.0.0.1:5432/app',
  SIEM_SECRET: newWebhookSecret(),
} as unknown as NodeJS.ProcessEnv;

function setup() {
  env = freshDb();
  addFinanceDevDb(env.db, env.now);
  const file = path.join(env.dir, 'connectors.json');
  const write = (text: string) => fs.writeFileSync(file, text);
  return { db: env.db, file, write, now: env.now };
}

const good = (mode = 'report', roles = '{ "Contributor": "finance_dev_writers", "reader": "finance_dev_readers" }') => `{
  "connectors": [
    {
      "id": "finance-db",
      "type": "postgresql",
      "connection": "env:FINANCE_DB_URL",
      "bindings": [
        { "scope": "${FINANCE_DEV_DB_ARM}", "mode": "${mode}", "roles": ${roles} }
      ]
    },
    { "id": "siem", "type": "webhook", "url": "https://siem.example/hooks", "secret": "env:SIEM_SECRET", "events": ["activation.started"] }
  ]
}`;

function problems(fn: () => unknown): string[] {
  try {
    fn();
  } catch (e) {
    if (e instanceof ConnectorsFileError) return e.problems;
    throw e;
  }
  throw new Error('expected the file to be refused');
}

describe('connectors file', () => {
  it('names the line and field of each problem', () => {
    const t = setup();
    t.write(good('sometimes').replace('"env:FINANCE_DB_URL"', '"postgres://user:secret@db/app"'));
    const p = problems(() => loadConnectorsFile(t.file, t.db, ENV));
    expect(p).toContain(
      'line 6, connectors[0].connection: must be an environment reference like env:FINANCE_DB_URL (secrets never go in the file)',
    );
    expect(p).toContain("line 8, connectors[0].bindings[0].mode: must be 'report' or 'enforce'");
    // a secret never appears in the error
    expect(p.join('\n')).not.toContain('secret@');
  });

  it('reports JSON syntax errors by line', () => {
    const t = setup();
    t.write('{\n  "connectors": [\n    { "id": "x", }\n  ]\n}');
    expect(problems(() => loadConnectorsFile(t.file, t.db, ENV))[0]).toMatch(/^line 3: JSON syntax error/);
  });

  it('checks the environment, the tree and the roles', () => {
    const t = setup();
    t.write(good('report', '{ "Contributor": "w", "Janitor": "j" }').replace(FINANCE_DEV_DB_ARM, '/subscriptions/nope'));
    const p = problems(() => loadConnectorsFile(t.file, t.db, { SIEM_SECRET: 'not-a-secret' } as unknown as NodeJS.ProcessEnv));
    expect(p).toEqual(
      expect.arrayContaining([
        'line 6, connectors[0].connection: environment variable FINANCE_DB_URL is not set',
        'line 8, connectors[0].bindings[0].scope: there is no resource /subscriptions/nope in the tree',
        'line 8, connectors[0].bindings[0].roles.Janitor: there is no role named Janitor',
        expect.stringMatching(/^line 11, connectors\[1\]\.secret: environment variable SIEM_SECRET: /),
      ]),
    );
  });

  it('refuses two bindings of one resource', () => {
    const t = setup();
    const b = (roles: string) => `{ "scope": "${FINANCE_DEV_DB_ARM}", "roles": ${roles} }`;
    t.write(`{ "connectors": [ { "id": "finance-db", "type": "postgresql", "connection": "env:FINANCE_DB_URL",
      "bindings": [
        ${b('{ "Contributor": "writers" }')},
        ${b('{ "Reader": "readers" }')}
      ] } ] }`);
    expect(problems(() => loadConnectorsFile(t.file, t.db, ENV))).toEqual([
      'line 4, connectors[0].bindings[1].scope: bindings[0] already binds this resource; put its roles in one binding',
    ]);
  });

  it('refuses a target mapped by two bindings, and an unknown field', () => {
    const t = setup();
    const rg = FINANCE_DEV_DB_ARM.split('/providers/')[0];
    const b = (roles: string, scope = FINANCE_DEV_DB_ARM) => `{ "scope": "${scope}", "roles": ${roles} }`;
    t.write(`{ "connectors": [ { "id": "finance-db", "type": "postgresql", "connection": "env:FINANCE_DB_URL", "colour": "blue",
      "bindings": [
        ${b('{ "Contributor": "writers" }')},
        ${b('{ "Owner": "writers" }', rg)}
      ] } ] }`);
    expect(problems(() => loadConnectorsFile(t.file, t.db, ENV))).toEqual([
      expect.stringMatching(/^line 1, connectors\[0\]: Unrecognized key.*colour/),
    ]);
    t.write(`{ "connectors": [ { "id": "finance-db", "type": "postgresql", "connection": "env:FINANCE_DB_URL",
      "bindings": [
        ${b('{ "Contributor": "writers" }')},
        ${b('{ "Owner": "writers" }', rg)}
      ] } ] }`);
    expect(problems(() => loadConnectorsFile(t.file, t.db, ENV))).toEqual([
      'line 4, connectors[0].bindings[1].roles.Owner: target writers is already mapped by bindings[0]; each target belongs to one binding',
    ]);
  });

  it('applies the file: connectors and bindings appear; re-reading it changes nothing; an edit changes the binding in place', () => {
    const t = setup();
    t.write(good());
    syncConnectorsFile(t.db, loadConnectorsFile(t.file, t.db, ENV), t.now);
    const rows = t.db.select().from(s.connectors).all();
    expect(rows.map((c) => [c.id, c.source, c.secretRef])).toEqual([
      ['finance-db', 'file', 'env:FINANCE_DB_URL'],
      ['siem', 'file', 'env:SIEM_SECRET'],
    ]);
    const first = t.db.select().from(s.connectorBindings).all();
    expect(first).toHaveLength(1);
    expect(first[0].scopeId).toBe(FINANCE_DEV_DB_ARM.toLowerCase());
    expect(syncConnectorsFile(t.db, loadConnectorsFile(t.file, t.db, ENV), t.now + 1)).toEqual({ added: 0, removed: 0 });
    expect(
      t.db
        .select()
        .from(s.connectorBindings)
        .all()
        .map((b) => b.id),
    ).toEqual([first[0].id]);
    t.write(good('enforce', '{ "Contributor": "finance_dev_writers" }'));
    syncConnectorsFile(t.db, loadConnectorsFile(t.file, t.db, ENV), t.now + 2);
    // the same binding, now enforcing and mapping one role: no second binding races the first
    const after = t.db.select().from(s.connectorBindings).all();
    expect(after.map((b) => [b.id, b.mode, b.removedAt, JSON.parse(b.roles)])).toEqual([
      [first[0].id, 'enforce', null, { 'b24988ac-6180-42a0-ab88-20f7382dd24c': 'finance_dev_writers' }],
    ]);
    expect(t.db.select().from(s.auditEvents).where(eq(s.auditEvents.action, 'Connector binding updated')).all()).toHaveLength(1);
  });

  it('a connector taken out of the file is removed (its grants are revoked before it goes)', () => {
    const t = setup();
    t.write(good());
    syncConnectorsFile(t.db, loadConnectorsFile(t.file, t.db, ENV), t.now);
    t.write('{ "connectors": [] }');
    expect(syncConnectorsFile(t.db, loadConnectorsFile(t.file, t.db, ENV), t.now + 1)).toEqual({ added: 0, removed: 2 });
    expect(t.db.select().from(s.connectors).where(eq(s.connectors.id, 'finance-db')).get()?.removedAt).toBe(t.now + 1);
    expect(
      t.db
        .select()
        .from(s.connectorBindings)
        .all()
        .every((b) => b.removedAt === t.now + 1),
    ).toBe(true);
  });
});
