import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { openDatabase, type Db } from '@/db/client';
import { DEMO_PASSWORD, DEMO_SUBSCRIPTION, DEMO_TOTP_SECRET, DEMO_USERS } from '@/db/seed/demo';
import { readConfig } from '@/lib/config/read';
import { verifyAuditChain } from '@/lib/audit/verify';
import { checkCredentials } from '@/lib/auth/credentials';
import { verifyMfaStepUp } from '@/lib/auth/mfa';
import { totpCode } from '@/lib/auth/totp';
import { policyIndex } from '@/lib/tenant/engine';
import { activationScopeOption, hasRole, ROLE_IDS } from '@/lib/policy';
import { encryptionKey } from '@/scripts/scale/key';
import { RefusedError, seedScale, TABLES, type ScaleOptions } from '@/scripts/scale/seed';
import { freshDb } from '@/tests/support/db';

/**
 * The scale seed (npm run seed:scale) on a small tenant: what someone benchmarking or
 * demoing on a generated tenant relies on.
 */
const NOW = Date.UTC(2026, 2, 2, 9, 0, 0);
const SMALL: ScaleOptions = { resources: 2000, users: 300, assignments: 3000, seed: 7, now: NOW, force: false };
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'elevate-scale-'));
const fileA = path.join(dir, 'a.db');
const fileB = path.join(dir, 'b.db');
// the key the server itself would use in this environment (the tests set ELEVATE_ENCRYPTION_KEY)
const key = encryptionKey(readConfig(process.env)).key;

let a: { db: Db; sqlite: Database.Database };
const all = <T>(sql: string, ...p: unknown[]) => a.sqlite.prepare(sql).all(...p) as T[];
const one = <T>(sql: string, ...p: unknown[]) => a.sqlite.prepare(sql).get(...p) as T;
const n = (sql: string, ...p: unknown[]) =>
  a.sqlite
    .prepare(sql)
    .pluck()
    .get(...p) as number;

/** Ids of the generated rows (the demo seed draws its own ids at random, so they are left out). */
function generatedIds(sqlite: Database.Database): Record<string, string[]> {
  const ids = (sql: string) => sqlite.prepare(sql).pluck().all() as string[];
  const demoRequests = `SELECT id FROM requests WHERE justification = 'Demo tenant setup'`;
  const demoSeeded = `(SELECT seq FROM audit_events WHERE action = 'Demo tenant seeded')`;
  return {
    resources: ids('SELECT id FROM resources ORDER BY id'),
    users: ids('SELECT id FROM users WHERE is_demo = 0 ORDER BY id'),
    groups: ids('SELECT id FROM groups ORDER BY id'),
    eligible: ids(`SELECT id FROM eligibility_schedules WHERE request_id NOT IN (${demoRequests}) ORDER BY id`),
    active: ids(`SELECT id FROM assignment_schedules WHERE request_id NOT IN (${demoRequests}) ORDER BY id`),
    requests: ids(`SELECT id FROM requests WHERE id NOT IN (${demoRequests}) ORDER BY id`),
    audit: ids(`SELECT id FROM audit_events WHERE seq > ${demoSeeded} ORDER BY seq`),
  };
}

beforeAll(() => {
  seedScale(fileA, key, SMALL);
  seedScale(fileB, key, SMALL);
  a = openDatabase(fileA);
}, 180_000);

afterAll(() => {
  a?.sqlite.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('npm run seed:scale', () => {
  it('writes the totals asked for, and the same arguments give the same tenant, ids included', () => {
    expect(n('SELECT count(*) FROM resources')).toBe(SMALL.resources);
    expect(n('SELECT count(*) FROM users')).toBe(SMALL.users);
    expect(n('SELECT (SELECT count(*) FROM eligibility_schedules) + (SELECT count(*) FROM assignment_schedules)')).toBe(SMALL.assignments);
    const b = new Database(fileB, { readonly: true });
    try {
      for (const t of TABLES) expect(b.prepare(`SELECT count(*) FROM "${t}"`).pluck().get(), t).toBe(n(`SELECT count(*) FROM "${t}"`));
      expect(generatedIds(b)).toEqual(generatedIds(a.sqlite));
    } finally {
      b.close();
    }
  });

  it('gives another tenant for another seed', () => {
    const other = path.join(dir, 'other.db');
    seedScale(other, key, { ...SMALL, seed: 8 });
    const o = new Database(other, { readonly: true });
    try {
      expect(generatedIds(o).eligible.slice(0, 5)).not.toEqual(generatedIds(a.sqlite).eligible.slice(0, 5));
    } finally {
      o.close();
    }
  }, 120_000);

  it('keeps the demo accounts: they sign in with their password and TOTP, and their story holds', async () => {
    const demo = all<{ email: string; is_demo: number; is_pim_admin: number }>(
      'SELECT email, is_demo, is_pim_admin FROM users WHERE is_demo = 1 ORDER BY email',
    );
    expect(demo.map((u) => u.email).sort()).toEqual(
      Object.values(DEMO_USERS)
        .map((u) => u.email)
        .sort(),
    );
    const opts = { now: () => NOW, threshold: 5, minutes: 15 };
    const jen = await checkCredentials(a.db, { email: DEMO_USERS.jen.email, password: DEMO_PASSWORD }, opts);
    expect(jen.ok).toBe(true);
    if (!jen.ok) return;
    // the server decrypts the TOTP secret sealed by the seed with the key it resolves itself
    expect(a.db.transaction((tx) => verifyMfaStepUp(tx, jen.user.id, totpCode(DEMO_TOTP_SECRET, NOW), NOW, null))).toBe(NOW);
    // generated accounts exist but have no usable password
    expect(await checkCredentials(a.db, { email: 'user00001@scale.test', password: DEMO_PASSWORD }, opts)).toMatchObject({
      ok: false,
      code: 'invalid',
    });

    const index = policyIndex(a.db);
    const sub = DEMO_SUBSCRIPTION.toLowerCase();
    const steve = one<{ id: string }>('SELECT id FROM users WHERE email = ?', DEMO_USERS.steve.email).id;
    expect(
      hasRole(index, { type: 'User', id: steve }, ROLE_IDS.userAccessAdministrator, `${sub}/resourcegroups/finance-prod`, NOW + 1),
    ).toBe(true);
    const elig = one<{ id: string }>('SELECT id FROM eligibility_schedules WHERE principal_id = ? AND scope_id = ?', jen.user.id, sub);
    expect(activationScopeOption(index, jen.user.id, elig.id, `${sub}/resourcegroups/finance-prod`, NOW + 1)?.outcome.kind).toBe(
      'approval',
    );
    expect(activationScopeOption(index, jen.user.id, elig.id, `${sub}/resourcegroups/finance-test`, NOW + 1)?.outcome.kind).toBe('active');
  });

  it('builds an ARM tree under the root management group, with every path consistent with its parent', () => {
    const root = one<{ root_resource_id: string }>('SELECT root_resource_id FROM tenants').root_resource_id;
    expect(one<{ managed: number; parent_id: string | null }>('SELECT managed, parent_id FROM resources WHERE id = ?', root)).toEqual({
      managed: 1,
      parent_id: null,
    });
    expect(n('SELECT count(*) FROM resources WHERE parent_id IS NULL')).toBe(1); // the demo subscription and the generated tree hang under the root
    expect(
      n(
        `SELECT count(*) FROM resources r LEFT JOIN resources p ON p.id = r.parent_id WHERE r.path <> coalesce(p.path, '/') || r.rowid || '/'`,
      ),
    ).toBe(0);
    expect(n('SELECT count(*) FROM resources WHERE id <> lower(arm_id)')).toBe(0);
    const kinds = Object.fromEntries(
      all<{ kind: string; c: number }>('SELECT kind, count(*) c FROM resources GROUP BY kind').map((k) => [k.kind, k.c]),
    );
    expect(kinds.managementGroup).toBeGreaterThanOrEqual(3);
    expect(kinds.subscription).toBeGreaterThanOrEqual(5);
    expect(kinds.resourceGroup).toBeGreaterThanOrEqual(50);
    // management groups at most three levels below the root
    expect(
      n(`SELECT max(length(path) - length(replace(path, '/', ''))) FROM resources WHERE kind = 'managementGroup'`),
    ).toBeLessThanOrEqual(5);
    expect(n(`SELECT count(*) FROM resources WHERE type = 'Microsoft.DBforPostgreSQL/flexibleServers/databases'`)).toBeGreaterThan(0);
    const db = one<{ id: string; arm_id: string }>(
      `SELECT id, arm_id FROM resources WHERE type = 'Microsoft.DBforPostgreSQL/flexibleServers/databases' LIMIT 1`,
    );
    expect(db.arm_id).toMatch(
      /^\/subscriptions\/[0-9a-f-]{36}\/resourceGroups\/[^/]+\/providers\/Microsoft\.DBforPostgreSQL\/flexibleServers\/[^/]+\/databases\/[^/]+$/,
    );
  });

  it('leaves the schema exactly as the migrations made it (indexes and triggers back), with every reference resolved', () => {
    const fresh = openDatabase(path.join(dir, 'fresh.db'));
    const schema = (s: Database.Database) =>
      s.prepare(`SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name`).all();
    try {
      expect(schema(a.sqlite)).toEqual(schema(fresh.sqlite));
    } finally {
      fresh.sqlite.close();
    }
    expect(a.sqlite.pragma('foreign_key_check')).toEqual([]);
    expect(a.sqlite.pragma('journal_mode', { simple: true })).toBe('wal');
    // every schedule's and request's scope exists
    for (const t of ['eligibility_schedules', 'assignment_schedules', 'requests', 'role_settings']) {
      expect(n(`SELECT count(*) FROM ${t} WHERE scope_id NOT IN (SELECT id FROM resources)`), t).toBe(0);
    }
    // the change log was emptied so that every server process rebuilds its index
    expect(n('SELECT count(*) FROM change_log')).toBe(0);
  });

  it('mixes eligible and active, permanent and time-bound, live and history, at every level, to users and groups', () => {
    const at = (t: string) =>
      Object.fromEntries(
        all<{ kind: string; c: number }>(`SELECT r.kind, count(*) c FROM ${t} s JOIN resources r ON r.id = s.scope_id GROUP BY r.kind`).map(
          (k) => [k.kind, k.c],
        ),
      );
    const e = at('eligibility_schedules');
    expect(e.resourceGroup + e.resource).toBeGreaterThan(e.subscription + e.managementGroup);
    expect(e.managementGroup).toBeGreaterThan(0);
    for (const t of ['eligibility_schedules', 'assignment_schedules']) {
      expect(n(`SELECT count(*) FROM ${t} WHERE end_at IS NULL`), `${t} permanent`).toBeGreaterThan(0);
      expect(
        n(`SELECT count(*) FROM ${t} WHERE end_at > ? AND start_at <= ? AND revoked_at IS NULL`, NOW, NOW),
        `${t} live`,
      ).toBeGreaterThan(0);
      expect(n(`SELECT count(*) FROM ${t} WHERE end_at <= ?`, NOW), `${t} expired`).toBeGreaterThan(0);
      expect(n(`SELECT count(*) FROM ${t} WHERE revoked_at IS NOT NULL`), `${t} revoked`).toBeGreaterThan(0);
      expect(n(`SELECT count(*) FROM ${t} WHERE principal_type = 'Group'`), `${t} to groups`).toBeGreaterThan(0);
    }
    expect(n(`SELECT count(*) FROM eligibility_schedules WHERE start_at > ?`, NOW)).toBeGreaterThan(0);
    // some users are in several groups
    expect(n('SELECT count(*) FROM (SELECT user_id FROM group_members GROUP BY user_id HAVING count(*) > 1)')).toBeGreaterThan(0);
  });

  it('links every activation to an eligible assignment of its role at or above its scope, inside its window', () => {
    expect(n(`SELECT count(*) FROM assignment_schedules WHERE origin = 'activated'`)).toBeGreaterThan(0);
    const bad = n(`
      SELECT count(*) FROM assignment_schedules a
      LEFT JOIN eligibility_schedules e ON e.id = a.linked_eligibility_id
      LEFT JOIN resources ra ON ra.id = a.scope_id
      LEFT JOIN resources re ON re.id = e.scope_id
      WHERE a.origin = 'activated' AND (
        e.id IS NULL OR e.role_id <> a.role_id OR substr(ra.path, 1, length(re.path)) <> re.path
        OR a.start_at < e.start_at OR (e.end_at IS NOT NULL AND a.end_at > e.end_at)
        OR (e.revoked_at IS NOT NULL AND a.end_at > e.revoked_at) OR a.end_at IS NULL)`);
    expect(bad).toBe(0);
  });

  it('has pending approvals with approvers and decided history, and a valid audit hash chain', () => {
    const statuses = Object.fromEntries(
      all<{ status: string; c: number }>('SELECT status, count(*) c FROM requests GROUP BY status').map((s) => [s.status, s.c]),
    );
    for (const s of ['PendingApproval', 'Provisioned', 'Denied', 'Canceled']) expect(statuses[s], s).toBeGreaterThan(0);
    expect(
      n(
        `SELECT count(*) FROM requests WHERE status = 'PendingApproval' AND (approval_deadline <= ? OR id NOT IN (SELECT request_id FROM request_approvers))`,
        NOW,
      ),
    ).toBe(0);
    expect(
      n(
        `SELECT count(*) FROM requests WHERE status = 'Denied' AND id NOT IN (SELECT request_id FROM approval_decisions WHERE decision = 'Deny')`,
      ),
    ).toBe(0);
    // nobody decides their own request
    expect(n('SELECT count(*) FROM approval_decisions d JOIN requests q ON q.id = d.request_id WHERE d.approver_id = q.requester_id')).toBe(
      0,
    );
    expect(n('SELECT count(*) FROM role_settings WHERE approval_required = 1')).toBeGreaterThan(0);
    const chain = verifyAuditChain(a.db);
    expect(chain.firstBreak).toBeNull();
    expect(chain.checked).toBe(n('SELECT count(*) FROM audit_events'));
    // the generated history reads in time order (it follows the demo seed's own events, written at "now")
    const history = `(SELECT seq FROM audit_events WHERE action = 'Demo tenant seeded')`;
    expect(n(`SELECT count(*) FROM audit_events x JOIN audit_events y ON y.seq = x.seq + 1 WHERE x.seq > ${history} AND y.at < x.at`)).toBe(
      0,
    );
  });

  it('refuses to write into a database that holds other data, unless --force, and then wipes it first', () => {
    expect(() => seedScale(fileB, key, SMALL)).toThrow(RefusedError);
    expect(() => seedScale(fileB, key, SMALL)).toThrow(/user account\(s\) that are not demo accounts.*--force/s);
    const forced = seedScale(fileB, key, { ...SMALL, resources: 500, users: 50, assignments: 400, force: true });
    expect(forced.before).toBe('data');
    expect(forced.counts).toMatchObject({ resources: 500, users: 50 });
    const b = new Database(fileB, { readonly: true });
    try {
      expect(
        b.prepare('SELECT (SELECT count(*) FROM eligibility_schedules) + (SELECT count(*) FROM assignment_schedules)').pluck().get(),
      ).toBe(400);
      expect(b.prepare('SELECT count(*) FROM tenants').pluck().get()).toBe(1);
    } finally {
      b.close();
    }
  }, 120_000);

  it('replaces a database that holds only the demo tenant without --force', () => {
    const t = freshDb(NOW);
    t.close();
    const res = seedScale(t.file, key, { ...SMALL, resources: 300, users: 30, assignments: 100 });
    expect(res.before).toBe('demo');
    expect(res.counts.users).toBe(30);
  }, 60_000);

  it('the command exits 1 with the reason when it refuses', () => {
    const bin = path.join(process.cwd(), 'node_modules', '.bin', 'tsx');
    const run = spawnSync(bin, ['scripts/seed-scale.ts', '--db', fileA, '--resources', '100', '--users', '20', '--assignments', '20'], {
      encoding: 'utf8',
      cwd: process.cwd(),
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/already holds .* not demo accounts/);
    expect(run.stderr).toMatch(/--force/);
  }, 60_000);

  it('resolves the encryption key as the server does: the key file in the data directory, generated once', () => {
    const dataDir = path.join(dir, 'data');
    const first = encryptionKey(readConfig({ ELEVATE_DATA_DIR: dataDir }));
    const again = encryptionKey(readConfig({ ELEVATE_DATA_DIR: dataDir }));
    expect(first.source).toBe(path.join(dataDir, 'encryption-key'));
    expect(again.key.equals(first.key)).toBe(true);
    expect(first.key.length).toBe(32);
  });
});
