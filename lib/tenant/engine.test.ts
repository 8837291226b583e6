import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import crypto from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { freshDb } from '@/tests/support/db';
import * as s from '@/db/schema';
import { hasRole, ROLE_IDS } from '@/lib/policy';
import { canonicalIndex } from '@/lib/policy/testing/canonical';
import { RG, VM } from '@/lib/activation/test-support';
import { forgetIndex, indexStats, policyIndex, pruneChangeLog } from './engine';

let t: ReturnType<typeof freshDb>;
const children: ChildProcessWithoutNullStreams[] = [];
afterEach(() => {
  t?.close();
  for (const c of children.splice(0)) c.kill();
});
const HOUR = 3600_000;

/** An active Owner assignment for `userId` at `scopeId`, written as a service would (the trigger logs it). */
function grantSql(userId: string, scopeId: string, now: number) {
  const id = crypto.randomUUID();
  return {
    id,
    sql: `INSERT INTO assignment_schedules (id, principal_type, principal_id, role_id, scope_id, start_at, end_at, created_at, updated_at, origin)
          VALUES ('${id}', 'User', '${userId}', '${ROLE_IDS.owner}', '${scopeId}', ${now}, ${now + 2 * HOUR}, ${now}, ${now}, 'assigned')`,
  };
}

describe('the policy index follows the change log', () => {
  it('applies a committed write without a full build, and the next question sees it', () => {
    t = freshDb();
    forgetIndex();
    policyIndex(t.db);
    const builds = indexStats.builds;
    const applied = indexStats.applied;
    expect(hasRole(policyIndex(t.db), { type: 'User', id: t.ids.sam }, ROLE_IDS.owner, VM('finance-dev', 'vm1'), t.now)).toBe(false);
    t.sqlite.exec(grantSql(t.ids.sam, RG('finance-dev'), t.now).sql);
    expect(hasRole(policyIndex(t.db), { type: 'User', id: t.ids.sam }, ROLE_IDS.owner, VM('finance-dev', 'vm1'), t.now)).toBe(true);
    expect(indexStats.builds).toBe(builds);
    expect(indexStats.applied).toBe(applied + 1);
  });

  it('never serves what a rolled-back transaction saw, even once the sequence numbers come round again', () => {
    t = freshDb();
    forgetIndex();
    const jenName = policyIndex(t.db).users.get(t.ids.jen)!.displayName;
    const grant = grantSql(t.ids.sam, RG('finance-prod'), t.now);
    expect(() =>
      t.db.transaction((tx) => {
        tx.update(s.users).set({ displayName: 'Rolled back' }).where(eq(s.users.id, t.ids.jen)).run();
        tx.run(sql.raw(grant.sql));
        const inside = policyIndex(tx);
        expect(inside.users.get(t.ids.jen)!.displayName).toBe('Rolled back');
        expect(hasRole(inside, { type: 'User', id: t.ids.sam }, ROLE_IDS.owner, RG('finance-prod'), t.now)).toBe(true);
        throw new Error('refused');
      }),
    ).toThrow('refused');
    // another change commits and reaches the same sequence number the rolled-back one had
    t.db.transaction((tx) => {
      tx.update(s.users).set({ displayName: 'Sam (committed)' }).where(eq(s.users.id, t.ids.sam)).run();
      tx.update(s.users).set({ displayName: 'Sam (committed)' }).where(eq(s.users.id, t.ids.sam)).run();
    });
    const index = policyIndex(t.db);
    expect(index.users.get(t.ids.jen)!.displayName).toBe(jenName);
    expect(index.users.get(t.ids.sam)!.displayName).toBe('Sam (committed)');
    expect(hasRole(index, { type: 'User', id: t.ids.sam }, ROLE_IDS.owner, RG('finance-prod'), t.now)).toBe(false);
    expect(index.schedules.has(grant.id)).toBe(false);
    // and what is left is exactly what a fresh build of the committed state gives
    const followed = canonicalIndex(index);
    forgetIndex();
    expect(canonicalIndex(policyIndex(t.db))).toEqual(followed);
  });

  it('a committed transaction that asked the engine after writing keeps its changes', () => {
    t = freshDb();
    forgetIndex();
    policyIndex(t.db);
    const builds = indexStats.builds;
    const grant = grantSql(t.ids.sam, RG('finance-prod'), t.now);
    t.db.transaction((tx) => {
      tx.run(sql.raw(grant.sql));
      expect(hasRole(policyIndex(tx), { type: 'User', id: t.ids.sam }, ROLE_IDS.owner, RG('finance-prod'), t.now)).toBe(true);
    });
    expect(hasRole(policyIndex(t.db), { type: 'User', id: t.ids.sam }, ROLE_IDS.owner, RG('finance-prod'), t.now)).toBe(true);
    expect(indexStats.builds).toBe(builds);
  });

  it('rebuilds once when it has fallen behind the log it can replay', () => {
    t = freshDb();
    forgetIndex();
    policyIndex(t.db);
    const builds = indexStats.builds;
    t.sqlite.exec(grantSql(t.ids.sam, RG('finance-test'), t.now).sql);
    // the log is pruned past this process's revision (it slept through a day of changes)
    expect(pruneChangeLog(t.db, Date.now() + 48 * HOUR, 24 * HOUR, 0)).toBeGreaterThan(0);
    expect(hasRole(policyIndex(t.db), { type: 'User', id: t.ids.sam }, ROLE_IDS.owner, RG('finance-test'), t.now)).toBe(true);
    expect(indexStats.builds).toBe(builds + 1);
  });

  it('follows every kind of change exactly as a full build sees the result', () => {
    t = freshDb();
    forgetIndex();
    policyIndex(t.db);
    const db = t.db;
    const now = t.now;
    // a spread of writes through SQL, each logged by its trigger
    t.sqlite.exec(grantSql(t.ids.jen, VM('finance-test', 'vm2'), now).sql);
    db.update(s.users).set({ disabled: true }).where(eq(s.users.id, t.ids.sam)).run();
    db.update(s.resources)
      .set({ managed: false })
      .where(eq(s.resources.id, RG('finance-dev')))
      .run();
    db.update(s.resources)
      .set({ parentId: RG('finance-test') })
      .where(eq(s.resources.id, VM('finance-prod', 'vm1')))
      .run();
    db.delete(s.roleSettings)
      .where(eq(s.roleSettings.scopeId, RG('finance-prod')))
      .run();
    const g = crypto.randomUUID();
    db.insert(s.groups)
      .values({ id: g, tenantId: db.select().from(s.tenants).get()!.id, name: 'Ops', createdAt: now })
      .run();
    db.insert(s.groupMembers).values({ groupId: g, userId: t.ids.avery, addedAt: now }).run();
    db.update(s.requests).set({ status: 'Canceled' }).run();
    const followed = canonicalIndex(policyIndex(db));
    const builds = indexStats.builds;
    forgetIndex();
    expect(canonicalIndex(policyIndex(db))).toEqual(followed);
    expect(indexStats.builds).toBe(builds + 1);
  });
});

describe('two processes on one database file', () => {
  function startChild(file: string) {
    const script = path.join(process.cwd(), 'lib/tenant/engine.child.ts');
    const child = spawn(process.execPath, ['--conditions=react-server', '--import', 'tsx', script, file], {
      cwd: process.cwd(),
      env: process.env,
    });
    children.push(child);
    const lines = readline.createInterface({ input: child.stdout });
    const queue: string[] = [];
    const waiters: ((l: string) => void)[] = [];
    lines.on('line', (l) => (waiters.length ? waiters.shift()!(l) : queue.push(l)));
    const next = () => new Promise<string>((resolve) => (queue.length ? resolve(queue.shift()!) : waiters.push(resolve)));
    const ask = async (q: object) => {
      child.stdin.write(JSON.stringify(q) + '\n');
      return JSON.parse(await next()) as { holds: boolean; ms: number; builds: number; applied: number };
    };
    return { ready: next(), ask };
  }

  it("each sees the other's writes on its next read, by applying them, never rebuilding", async () => {
    t = freshDb();
    forgetIndex();
    policyIndex(t.db);
    const builds = indexStats.builds;
    const other = startChild(t.file);
    expect(await other.ready).toBe('ready');
    const q = { userId: t.ids.sam, roleId: ROLE_IDS.owner, scopeId: VM('finance-prod', 'vm2'), at: t.now };
    expect((await other.ask(q)).holds).toBe(false);

    // this process writes; the other's very next read sees it
    t.sqlite.exec(grantSql(t.ids.sam, RG('finance-prod'), t.now).sql);
    const seen = await other.ask(q);
    expect(seen).toMatchObject({ holds: true, builds: 1 });
    expect(seen.applied).toBeGreaterThan(0);

    // the other process writes; this one's very next read sees it
    const back = grantSql(t.ids.avery, RG('finance-test'), t.now);
    const r = await other.ask({ ...q, userId: t.ids.avery, scopeId: VM('finance-test', 'vm1'), write: { sql: back.sql } });
    expect(r).toMatchObject({ holds: true, builds: 1 });
    expect(hasRole(policyIndex(t.db), { type: 'User', id: t.ids.avery }, ROLE_IDS.owner, VM('finance-test', 'vm1'), t.now)).toBe(true);
    expect(indexStats.builds).toBe(builds);
  }, 30_000);
});
