/**
 * Connector benchmark (not a test: figures depend on the machine).
 *   npm run bench:connectors -- [--activations 1000] [--gap-ms 20]
 * A real PostgreSQL cluster (tests/support/postgres.ts), a fresh demo tenant plus N users
 * eligible for Contributor on finance-dev, a PostgreSQL connector bound to the finance-dev
 * database resource, and the production reconciler in this process. Each user activates
 * once (`gap-ms` apart); the activation is back-dated so its window ends 30–60 s later,
 * staggered. Reports, over the N activations:
 *   decision → grant: from the activation's commit to the GRANT's completion in PostgreSQL,
 *   end → revoke:     from the window's end to the REVOKE's completion,
 * and checks with pg_has_role that every grant and revoke really happened.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
import { sql } from 'drizzle-orm';
import { openDatabase } from '@/db/client';
import { seedDemoTenant, DEMO_USERS } from '@/db/seed/demo';
import * as s from '@/db/schema';
import { ROLE_IDS } from '@/lib/policy';
import { submitActivation } from '@/lib/activation/submit';
import { createPortalConnector, addPortalBinding } from '@/lib/connectors/store';
import { createPostgresDriver } from '@/lib/connectors/postgresql';
import { Reconciler } from '@/lib/connectors/reconciler';
import { addFinanceDevDb, FINANCE_DEV_DB_ARM } from '@/lib/connectors/test-support';
import type { TargetDriver } from '@/lib/connectors/types';
import { startPostgres } from '@/tests/support/postgres';

const args = process.argv.slice(2);
const arg = (name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const n = Number(args[i + 1]);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`--${name} needs a positive whole number, got "${args[i + 1]}"`);
  return n;
};
const N = arg('activations', 1000);
const GAP = arg('gap-ms', 20);
const log = (m: string) => console.error(`[bench ${new Date().toISOString().slice(11, 19)}] ${m}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const MIN = 60_000;

function stats(xs: number[]) {
  const v = [...xs].sort((a, b) => a - b);
  const q = (p: number) => v[Math.min(v.length - 1, Math.floor(p * v.length))];
  return { n: v.length, median: q(0.5), p99: q(0.99), max: v[v.length - 1] };
}

async function main() {
  const pg = await startPostgres();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'elevate-bench-conn-'));
  const key = crypto.randomBytes(32);
  try {
    const { db, sqlite } = openDatabase(path.join(dir, 'elevate.db'));
    const t0 = Date.now();
    seedDemoTenant(db, t0, key);
    addFinanceDevDb(db, t0);
    await pg.createGroupRole('finance_dev_writers');
    await pg.createGroupRole('finance_dev_readers');
    await pg.query(
      `DO $$ BEGIN FOR i IN 0..${N - 1} LOOP EXECUTE format('CREATE ROLE %I LOGIN', 'bench' || lpad(i::text, 4, '0')); END LOOP; END $$`,
    );
    await pg.createLogin('sam');
    const rg = (await db.get<{ id: string }>(sql`SELECT id FROM resources WHERE name = 'finance-dev' AND kind = 'resourceGroup'`))!.id;
    const tenantId = db.get<{ t: string }>(sql`SELECT tenant_id AS t FROM users LIMIT 1`)!.t;
    const users: { id: string; displayName: string; elig: string; login: string }[] = [];
    db.transaction((tx) => {
      for (let i = 0; i < N; i++) {
        const id = crypto.randomUUID();
        const login = `bench${String(i).padStart(4, '0')}`;
        tx.insert(s.users)
          .values({ id, tenantId, email: `${login}@bluewidget.test`, displayName: `Bench ${i}`, passwordHash: 'x', createdAt: t0 })
          .run();
        const elig = crypto.randomUUID();
        tx.insert(s.eligibilitySchedules)
          .values({
            id: elig,
            principalType: 'User',
            principalId: id,
            roleId: ROLE_IDS.contributor,
            scopeId: rg,
            startAt: t0 - 60 * MIN,
            endAt: t0 + 365 * 24 * 60 * MIN,
            createdAt: t0,
            updatedAt: t0,
          })
          .run();
        users.push({ id, displayName: `Bench ${i}`, elig, login });
      }
    });
    const steve = db
      .select()
      .from(s.users)
      .where(sql`email = ${DEMO_USERS.steve.email}`)
      .get()!;
    createPortalConnector(
      db,
      steve,
      {
        id: 'finance-db',
        displayName: 'Finance DB',
        type: 'postgresql',
        options: { login: 'email-local-part', terminateSessions: false },
        secret: pg.connectorUrl,
      },
      key,
      t0,
    );
    addPortalBinding(
      db,
      steve,
      'finance-db',
      { scopeId: FINANCE_DEV_DB_ARM, mode: 'report', roles: new Map([[ROLE_IDS.contributor, 'finance_dev_writers']]) },
      t0,
    );

    const granted = new Map<string, number>();
    const revoked = new Map<string, number>();
    const timed = (d: TargetDriver): TargetDriver => ({
      ...d,
      type: d.type,
      test: (t) => d.test(t),
      members: (t) => d.members(t),
      close: () => d.close(),
      grant: async (g) => {
        await d.grant(g);
        if (g.target === 'finance_dev_writers') granted.set(g.login, Date.now());
      },
      revoke: async (g, o) => {
        const r = await d.revoke(g, o);
        if (g.target === 'finance_dev_writers') revoked.set(g.login, Date.now());
        return r;
      },
    });
    const reconciler = new Reconciler({
      db,
      env: process.env,
      key,
      fullEveryMs: 5 * MIN,
      allowPrivateWebhooks: false,
      makeDriver: (_c, secret) => timed(createPostgresDriver({ connectionString: secret })),
      log,
    });
    reconciler.start();
    await sleep(1000);
    log(`tenant ready: ${N} users eligible; activating ${GAP} ms apart`);

    const decided = new Map<string, number>();
    const ends = new Map<string, number>();
    const base = Date.now() + 30_000;
    for (let i = 0; i < N; i++) {
      const u = users[i];
      // back-dated so the 5-minute window (the shortest allowed) ends 30 s + i*gap from now
      const end = base + i * GAP;
      const at = end - 5 * MIN;
      submitActivation(db, u, { durationMinutes: 5, justification: 'bench', eligibilityId: u.elig, scopeIds: [rg], mfaVerifiedAt: at }, at);
      decided.set(u.login, Date.now());
      ends.set(u.login, end);
      await sleep(GAP);
    }
    log('waiting for every grant');
    while (granted.size < N && Date.now() < base + N * GAP + 60_000) await sleep(100);
    const afterGrants = (
      await pg.query(
        `SELECT count(*)::int AS n FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid JOIN pg_roles u ON u.oid = m.member
         WHERE g.rolname = 'finance_dev_writers' AND u.rolname LIKE 'bench%'`,
      )
    ).rows[0].n;
    log(`granted ${granted.size}; waiting for the ends`);
    while (revoked.size < N && Date.now() < base + N * GAP + 60_000) await sleep(100);
    const afterRevokes = (
      await pg.query(
        `SELECT count(*)::int AS n FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid JOIN pg_roles u ON u.oid = m.member
         WHERE g.rolname = 'finance_dev_writers' AND u.rolname LIKE 'bench%'`,
      )
    ).rows[0].n;
    await reconciler.stop();
    sqlite.close();

    const toGrant = stats(users.filter((u) => granted.has(u.login)).map((u) => granted.get(u.login)! - decided.get(u.login)!));
    const toRevoke = stats(users.filter((u) => revoked.has(u.login)).map((u) => revoked.get(u.login)! - ends.get(u.login)!));
    const row = (label: string, x: ReturnType<typeof stats>) => `| ${label} | ${x.n} | ${x.median} ms | ${x.p99} ms | ${x.max} ms |`;
    console.log(
      [
        `Connectors on ${os.availableParallelism()} cores, Node ${process.version}, PostgreSQL (throwaway cluster), ` +
          `${N} activations ${GAP} ms apart, ${new Date().toISOString().slice(0, 16)} UTC`,
        '',
        '| latency | n | median | p99 | max |',
        '|---|---|---|---|---|',
        row('decision → GRANT done', toGrant),
        row('window end → REVOKE done', toRevoke),
        '',
        `Checked in PostgreSQL: ${afterGrants} of ${N} members after the grants phase (ends start 30 s later), ${afterRevokes} left after the ends.`,
      ].join('\n'),
    );
    if (granted.size < N || revoked.size < N || afterRevokes !== 0) process.exitCode = 1;
  } finally {
    await pg.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
