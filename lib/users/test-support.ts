import crypto from 'node:crypto';
import type Database from 'better-sqlite3';
import { users } from '@/db/schema';
import type { freshDb } from '@/tests/support/db';

type T = ReturnType<typeof freshDb>;

/** Plain accounts straight into SQL (no password hashing): thousands in a few milliseconds. */
export function addUsers(t: T, names: string[], opts: { disabled?: boolean; createdAt?: number } = {}): string[] {
  const tenantId = t.db.select({ tenantId: users.tenantId }).from(users).limit(1).get()!.tenantId;
  const insert = t.sqlite.prepare(
    'INSERT INTO users (id, tenant_id, email, display_name, password_hash, disabled, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  const ids: string[] = [];
  t.sqlite.transaction(() => {
    for (const name of names) {
      const id = crypto.randomUUID();
      const email = `${name.toLowerCase().replace(/[^a-z0-9]+/g, '.')}.${id.slice(0, 8)}@example.test`;
      insert.run(id, tenantId, email, name, 'not-a-hash', opts.disabled ? 1 : 0, opts.createdAt ?? t.now);
      ids.push(id);
    }
  })();
  return ids;
}

export function addGroup(t: T, name: string, memberIds: string[] = [], addedAt = t.now): string {
  const tenantId = t.db.select({ tenantId: users.tenantId }).from(users).limit(1).get()!.tenantId;
  const id = crypto.randomUUID();
  t.sqlite.transaction(() => {
    t.sqlite
      .prepare('INSERT INTO groups (id, tenant_id, name, description, created_at) VALUES (?, ?, ?, ?, ?)')
      .run(id, tenantId, name, '', t.now);
    const m = t.sqlite.prepare('INSERT INTO group_members (group_id, user_id, added_at) VALUES (?, ?, ?)');
    memberIds.forEach((u, i) => m.run(id, u, addedAt + i));
  })();
  return id;
}

export interface Reads {
  /** rows SQLite handed to JavaScript, per statement */
  statements: { sql: string; params: unknown[]; rows: number }[];
  total: () => number;
  /** EXPLAIN QUERY PLAN lines of every statement read */
  plans: () => string[][];
  stop: () => void;
}

/**
 * Records what a service reads: each statement's SQL and the rows it returned. With the
 * query plans this shows a page reads a page, not the table.
 */
export function recordReads(sqlite: Database.Database): Reads {
  const statements: Reads['statements'] = [];
  const original = sqlite.prepare.bind(sqlite);
  const wrap = (stmt: Database.Statement, text: string): Database.Statement =>
    new Proxy(stmt, {
      get(target, prop, receiver) {
        if (prop === 'raw' || prop === 'pluck' || prop === 'expand') {
          return (...a: unknown[]) => {
            (target[prop] as (...x: unknown[]) => unknown).apply(target, a);
            return receiver;
          };
        }
        if (prop === 'all')
          return (...params: unknown[]) => {
            const r = target.all(...params);
            statements.push({ sql: text, params, rows: r.length });
            return r;
          };
        if (prop === 'get')
          return (...params: unknown[]) => {
            const r = target.get(...params);
            statements.push({ sql: text, params, rows: r === undefined ? 0 : 1 });
            return r;
          };
        const v = Reflect.get(target, prop, target);
        return typeof v === 'function' ? v.bind(target) : v;
      },
    });
  sqlite.prepare = ((text: string) => wrap(original(text), text)) as typeof sqlite.prepare;
  return {
    statements,
    total: () => statements.reduce((n, s) => n + s.rows, 0),
    plans: () =>
      statements.map((s) => (original(`EXPLAIN QUERY PLAN ${s.sql}`).all(...s.params) as { detail: string }[]).map((r) => r.detail)),
    stop: () => {
      sqlite.prepare = original as typeof sqlite.prepare;
    },
  };
}
