import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';

/**
 * The benchmark's direct access to its *copy* of the tenant: counts, the demo personas'
 * ids, extra users to act as requesters, and API tokens. Tokens are stored the way
 * lib/tokens/tokens.ts stores them (SHA-256 of `elv_` + 32 random bytes); a step-up token
 * is one whose mfa_verified_at is set, as the step-up route mints them after a TOTP code.
 */

export const DEMO_EMAILS = {
  steve: 'steve@bluewidget.test',
  jen: 'jen@bluewidget.test',
  avery: 'avery@bluewidget.test',
  sam: 'sam@bluewidget.test',
} as const;
export type Persona = keyof typeof DEMO_EMAILS;
export const DEMO_SUBSCRIPTION = '/subscriptions/5e1f0c4a-2b7d-4c1e-9a3b-6d8f0e2a1c55';
/** the step-up window of lib/tokens/format.ts (MFA_FRESHNESS_MINUTES); tokens are minted just before each use */
const STEP_UP_MS = 10 * 60_000;

function open(file: string): Database.Database {
  const db = new Database(file, { fileMustExist: true });
  db.pragma('busy_timeout = 10000');
  return db;
}

/** A clear refusal for a missing or non-SQLite file, before anything starts. */
export function checkDbFile(file: string): void {
  if (!fs.existsSync(file)) throw new Error(`--db ${file}: no such file`);
  const fd = fs.openSync(file, 'r');
  const head = Buffer.alloc(16);
  fs.readSync(fd, head, 0, 16, 0);
  fs.closeSync(fd);
  if (head.toString('latin1') !== 'SQLite format 3\0') throw new Error(`--db ${file}: not an SQLite database`);
}

/** SQLite's online backup: a consistent copy even while the source's WAL holds changes. */
export async function copyTenant(src: string, dest: string): Promise<void> {
  const db = new Database(src, { readonly: true, fileMustExist: true });
  try {
    await db.backup(dest);
  } finally {
    db.close();
  }
}

/** The secrets of the source tenant's data folder (its TOTP secrets are sealed with encryption-key). */
export function copySecrets(fromDir: string, toDir: string): string[] {
  const copied: string[] = [];
  for (const name of ['encryption-key', 'auth-secret']) {
    const f = path.join(fromDir, name);
    if (fs.existsSync(f)) {
      fs.copyFileSync(f, path.join(toDir, name));
      copied.push(name);
    }
  }
  return copied;
}

export interface TenantFacts {
  counts: Record<string, number>;
  tenantId: string;
  rootArmId: string;
  personas: Record<Persona, string>;
  /** ARM ids of the demo subscription, its resource groups and its VMs (a resource's row id is its ARM id in lower case) */
  sub: string;
  rgs: Record<'finance-test' | 'finance-dev' | 'finance-prod', string>;
  vms: string[];
}

const count = (db: Database.Database, sql: string) => {
  try {
    return Number((db.prepare(sql).get() as { n: number }).n);
  } catch {
    return NaN;
  }
};

export function tenantFacts(file: string): TenantFacts {
  const db = open(file);
  try {
    const counts: Record<string, number> = {
      resources: count(db, 'SELECT count(*) n FROM resources'),
      'resources with PIM enabled explicitly (their children inherit it)': count(db, 'SELECT count(*) n FROM resources WHERE managed = 1'),
      users: count(db, 'SELECT count(*) n FROM users'),
      groups: count(db, 'SELECT count(*) n FROM groups'),
      'group memberships': count(db, 'SELECT count(*) n FROM group_members'),
      'eligibility schedules': count(db, 'SELECT count(*) n FROM eligibility_schedules'),
      'assignment schedules': count(db, 'SELECT count(*) n FROM assignment_schedules'),
      requests: count(db, 'SELECT count(*) n FROM requests'),
      'pending requests': count(db, "SELECT count(*) n FROM requests WHERE status = 'PendingApproval'"),
      'role settings': count(db, 'SELECT count(*) n FROM role_settings'),
      'audit events': count(db, 'SELECT count(*) n FROM audit_events'),
    };
    const personas = {} as Record<Persona, string>;
    for (const [p, email] of Object.entries(DEMO_EMAILS) as [Persona, string][]) {
      const row = db.prepare('SELECT id FROM users WHERE lower(email) = ?').get(email) as { id: string } | undefined;
      if (!row) throw new Error(`the tenant has no demo user ${email}: the benchmark acts as the demo personas (seed:scale keeps them)`);
      personas[p] = row.id;
    }
    const jen = db.prepare('SELECT tenant_id t FROM users WHERE id = ?').get(personas.jen) as { t: string };
    const tenant = db.prepare('SELECT root_resource_id r FROM tenants WHERE id = ?').get(jen.t) as { r: string };
    const root = db.prepare('SELECT arm_id a FROM resources WHERE id = ?').get(tenant.r) as { a: string };
    const armOf = (id: string) =>
      (db.prepare('SELECT arm_id a FROM resources WHERE id = ?').get(id.toLowerCase()) as { a: string } | undefined)?.a;
    const sub = armOf(DEMO_SUBSCRIPTION);
    if (!sub) throw new Error(`the tenant has no demo subscription ${DEMO_SUBSCRIPTION}`);
    const rgs = {} as TenantFacts['rgs'];
    for (const name of ['finance-test', 'finance-dev', 'finance-prod'] as const) {
      const a = armOf(`${DEMO_SUBSCRIPTION}/resourceGroups/${name}`);
      if (!a) throw new Error(`the tenant has no demo resource group ${name}`);
      rgs[name] = a;
    }
    const vms = (
      db
        .prepare("SELECT arm_id a FROM resources WHERE id LIKE ? AND kind = 'resource' ORDER BY id")
        .all(`${DEMO_SUBSCRIPTION.toLowerCase()}/resourcegroups/finance-%/providers/%`) as { a: string }[]
    ).map((r) => r.a);
    return { counts, tenantId: jen.t, rootArmId: root.a, personas, sub, rgs, vms };
  } finally {
    db.close();
  }
}

/**
 * Requesters for the write measurements: each can hold one pending request per
 * (role, scope) only (rule 5), so approvals need many of them. They get Jen's password hash
 * (so `elevate-demo` signs them in) and no role: the benchmark assigns them through the API.
 */
export function addBenchUsers(file: string, n: number, tenantId: string, passwordFrom: string): string[] {
  const db = open(file);
  try {
    const hash = (db.prepare('SELECT password_hash h FROM users WHERE id = ?').get(passwordFrom) as { h: string }).h;
    const now = Date.now();
    const insert = db.prepare(
      'INSERT INTO users (id, tenant_id, email, display_name, password_hash, created_at) VALUES (?, ?, ?, ?, ?, ?)',
    );
    const run = crypto.randomBytes(3).toString('hex');
    const ids: string[] = [];
    db.transaction(() => {
      for (let i = 0; i < n; i++) {
        const id = crypto.randomUUID();
        insert.run(id, tenantId, `bench-${run}-${i}@bench.test`, `Bench requester ${i}`, hash, now);
        ids.push(id);
      }
    })();
    return ids;
  } finally {
    db.close();
  }
}

/** Personal tokens (1 day), or step-up tokens (MFA proven now, valid for the step-up window), one per user. */
export function mintTokens(file: string, userIds: string[], stepUp: boolean): Map<string, string> {
  const db = open(file);
  try {
    const now = Date.now();
    const insert = db.prepare(
      'INSERT INTO api_tokens (id, user_id, name, token_hash, prefix, created_at, expires_at, mfa_verified_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    );
    const out = new Map<string, string>();
    db.transaction(() => {
      for (const u of userIds) {
        const token = 'elv_' + crypto.randomBytes(32).toString('base64url');
        const hash = crypto.createHash('sha256').update(token).digest('hex');
        insert.run(
          crypto.randomUUID(),
          u,
          stepUp ? 'bench step-up' : 'bench',
          hash,
          token.slice(0, 10),
          now,
          now + (stepUp ? STEP_UP_MS : 86_400_000),
          stepUp ? now : null,
        );
        out.set(u, token);
      }
    })();
    return out;
  } finally {
    db.close();
  }
}
