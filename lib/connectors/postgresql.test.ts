// The PostgreSQL connector against a real, throwaway PostgreSQL cluster (tests/support/postgres.ts).
// Elevate signs in as `elevate_connector`: no superuser, no CREATEROLE, ADMIN OPTION on the
// group roles the tests create, member of pg_signal_backend — what docs/connectors/postgresql.md asks for.
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresDriver, quoteIdent } from './postgresql';
import { TargetError, type TargetDriver } from './types';
import { startPostgres, type PgHarness } from '@/tests/support/postgres';

let pg: PgHarness;
let driver: TargetDriver;

beforeAll(async () => {
  pg = await startPostgres();
  driver = createPostgresDriver({ connectionString: pg.connectorUrl });
}, 60_000);

afterAll(async () => {
  await driver?.close();
  await pg?.stop();
}, 60_000);

/** the TargetError a promise rejects with (fails the test when it resolves or throws something else) */
async function targetError(p: Promise<unknown>): Promise<TargetError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(TargetError);
  return err as TargetError;
}

function unusedPort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

describe('quoteIdent', () => {
  it('keeps case and doubles embedded double quotes', () => {
    expect(quoteIdent('app_read')).toBe('"app_read"');
    expect(quoteIdent('Ops "Prod" Admins')).toBe('"Ops ""Prod"" Admins"');
    expect(quoteIdent('x"; DROP ROLE postgres; --')).toBe('"x""; DROP ROLE postgres; --"');
  });

  it('refuses names PostgreSQL cannot hold instead of letting it truncate them to another role', () => {
    expect(() => quoteIdent('')).toThrow(/cannot be empty/);
    expect(() => quoteIdent('a\0b')).toThrow(/NUL/);
    expect(quoteIdent('x'.repeat(63))).toBe(`"${'x'.repeat(63)}"`);
    expect(() => quoteIdent('x'.repeat(64))).toThrow(/at most 63 bytes/);
    // 32 two-byte characters: 32 characters but 64 bytes
    expect(() => quoteIdent('é'.repeat(32))).toThrow(/at most 63 bytes; .* is 64/);
    try {
      quoteIdent('');
    } catch (e) {
      expect((e as TargetError).retry).toBe(false);
    }
  });
});

describe('grant and revoke', () => {
  beforeAll(async () => {
    await pg.createGroupRole('app_read');
    await pg.createLogin('alice');
  });

  it('grant makes the login a member of the group role', async () => {
    expect(await pg.hasRole('alice', 'app_read')).toBe(false);
    await driver.grant({ target: 'app_read', login: 'alice' });
    expect(await pg.hasRole('alice', 'app_read')).toBe(true);
  });

  it('granting again succeeds (PostgreSQL only notices "already a member")', async () => {
    await driver.grant({ target: 'app_read', login: 'alice' });
    await driver.grant({ target: 'app_read', login: 'alice' });
    expect(await pg.hasRole('alice', 'app_read')).toBe(true);
  });

  it('revoke removes the membership', async () => {
    await driver.grant({ target: 'app_read', login: 'alice' });
    const r = await driver.revoke({ target: 'app_read', login: 'alice' }, { terminateSessions: false });
    expect(r).toEqual({ sessionsEnded: 0 });
    expect(await pg.hasRole('alice', 'app_read')).toBe(false);
  });

  it('revoking again succeeds (PostgreSQL only warns "is not a member")', async () => {
    await driver.revoke({ target: 'app_read', login: 'alice' }, { terminateSessions: false });
    await driver.revoke({ target: 'app_read', login: 'alice' }, { terminateSessions: false });
    expect(await pg.hasRole('alice', 'app_read')).toBe(false);
  });

  it('revokes a membership another role granted (PostgreSQL 15 ignores the grantor)', async () => {
    await pg.query('GRANT app_read TO alice'); // as the superuser, outside Elevate
    await driver.revoke({ target: 'app_read', login: 'alice' }, { terminateSessions: false });
    expect(await pg.hasRole('alice', 'app_read')).toBe(false);
  });

  it('revoking from a login role that does not exist succeeds: nothing is granted', async () => {
    expect(await driver.revoke({ target: 'app_read', login: 'nobody' }, { terminateSessions: true })).toEqual({ sessionsEnded: 0 });
  });

  it('quotes role names with upper case and double quotes', async () => {
    const group = 'Ops "Prod" Admins';
    const login = 'Dana"O';
    await pg.createGroupRole(group);
    await pg.createLogin(login);
    await driver.grant({ target: group, login });
    expect(await pg.hasRole(login, group)).toBe(true);
    // not the lower-cased name PostgreSQL would fold an unquoted identifier to
    const folded = await pg.query(`SELECT count(*)::int AS n FROM pg_roles WHERE rolname IN ('ops "prod" admins', 'dana"o')`);
    expect(folded.rows[0].n).toBe(0);
    expect((await driver.members([group])).get(group)).toEqual(new Set([login]));
    await driver.revoke({ target: group, login }, { terminateSessions: false });
    expect(await pg.hasRole(login, group)).toBe(false);
  });
});

describe('revoke with terminateSessions', () => {
  it("ends the login's open sessions, which otherwise keep a SET ROLE after the revoke", async () => {
    await pg.createGroupRole('app_write');
    const password = await pg.createLogin('bob');
    await driver.grant({ target: 'app_write', login: 'bob' });
    const session = await pg.connectAs('bob', password);
    await session.query('SET ROLE app_write');
    const ended = new Promise<Error>((resolve) => session.once('error', resolve));

    const r = await driver.revoke({ target: 'app_write', login: 'bob' }, { terminateSessions: true });

    expect(r.sessionsEnded).toBeGreaterThanOrEqual(1);
    expect(await pg.hasRole('bob', 'app_write')).toBe(false);
    // the server says why, then the connection is gone for good
    expect((await ended).message).toBe('terminating connection due to administrator command');
    await expect(session.query('SELECT current_user')).rejects.toThrow(/not queryable|terminat/i);
    const left = await pg.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE usename = 'bob'`);
    expect(left.rows[0].n).toBe(0);
  });

  it('leaves sessions alone when not asked, and ends none when there are none', async () => {
    const password = await pg.createLogin('carol');
    await pg.createGroupRole('app_audit');
    await driver.grant({ target: 'app_audit', login: 'carol' });
    const session = await pg.connectAs('carol', password);
    expect(await driver.revoke({ target: 'app_audit', login: 'carol' }, { terminateSessions: false })).toEqual({ sessionsEnded: 0 });
    expect((await session.query('SELECT 1 AS one')).rows[0].one).toBe(1);
    await session.end();
    expect(await driver.revoke({ target: 'app_audit', login: 'carol' }, { terminateSessions: true })).toEqual({ sessionsEnded: 0 });
  });
});

describe('members', () => {
  it('lists direct members of each target in one read, and an empty set for a missing target', async () => {
    await pg.createGroupRole('billing_read');
    await pg.createGroupRole('billing_admin');
    await pg.createLogin('erin');
    await pg.createLogin('frank');
    await pg.query('CREATE ROLE billing_team NOLOGIN');
    await pg.createLogin('gina');
    await driver.grant({ target: 'billing_read', login: 'erin' });
    await driver.grant({ target: 'billing_read', login: 'frank' });
    await driver.grant({ target: 'billing_admin', login: 'frank' });
    // gina reaches billing_read only through billing_team: not a direct member
    await pg.query('GRANT billing_read TO billing_team');
    await pg.query('GRANT billing_team TO gina');
    expect(await pg.hasRole('gina', 'billing_read')).toBe(true);

    const m = await driver.members(['billing_read', 'billing_admin', 'no_such_role']);

    expect([...m.keys()].sort()).toEqual(['billing_admin', 'billing_read', 'no_such_role']);
    expect(m.get('billing_read')).toEqual(new Set(['erin', 'frank', 'billing_team']));
    expect(m.get('billing_admin')).toEqual(new Set(['frank']));
    expect(m.get('no_such_role')).toEqual(new Set());
    // the connector's own ADMIN OPTION membership is not a grant to reconcile away
    expect(m.get('billing_read')!.has('elevate_connector')).toBe(false);
  });

  it('an empty request is an empty map', async () => {
    expect((await driver.members([])).size).toBe(0);
  });
});

describe('errors an administrator can act on', () => {
  beforeAll(async () => {
    await pg.createGroupRole('reports');
    await pg.createLogin('hank');
    // exists, but the connector holds no ADMIN OPTION on it
    await pg.query('CREATE ROLE payroll NOLOGIN');
  });

  it('a missing login role: not retried, says so', async () => {
    const err = await targetError(driver.grant({ target: 'reports', login: 'ghost' }));
    expect(err.retry).toBe(false);
    expect(err.message).toContain('PostgreSQL has no login role "ghost" for this user');
  });

  it('a missing group role: not retried, says which and how to fix it', async () => {
    const err = await targetError(driver.grant({ target: 'reprots', login: 'hank' }));
    expect(err.retry).toBe(false);
    expect(err.message).toContain('PostgreSQL has no group role "reprots"');
    expect(err.message).toContain('WITH ADMIN OPTION');
  });

  it('a group role without ADMIN OPTION: names the missing right and the GRANT that adds it', async () => {
    const err = await targetError(driver.grant({ target: 'payroll', login: 'hank' }));
    expect(err.retry).toBe(false);
    expect(err.message).toContain('lacks ADMIN OPTION on the group role "payroll"');
    expect(err.message).toContain('GRANT "payroll" TO "elevate_connector" WITH ADMIN OPTION');
    const revokeErr = await targetError(driver.revoke({ target: 'payroll', login: 'hank' }, { terminateSessions: false }));
    expect(revokeErr.message).toContain('cannot revoke it');
    expect(await pg.hasRole('hank', 'payroll')).toBe(false);
  });

  it('a name PostgreSQL would truncate is refused before it reaches the server', async () => {
    const err = await targetError(driver.grant({ target: 'reports', login: 'h'.repeat(64) }));
    expect(err.retry).toBe(false);
    expect(err.message).toMatch(/at most 63 bytes/);
  });

  it('without pg_signal_backend: revoke works, ending sessions names the missing right', async () => {
    const weakPassword = 'weak-connector-pw';
    await pg.createLogin('weak_connector', weakPassword);
    await pg.query('GRANT reports TO weak_connector WITH ADMIN OPTION');
    const weak = createPostgresDriver({ connectionString: `postgresql://weak_connector:${weakPassword}@127.0.0.1:${pg.port}/postgres` });
    try {
      const check = await weak.test(['reports']);
      expect(check.ok).toBe(false);
      expect(check.message).toContain('GRANT pg_signal_backend TO "weak_connector"');

      const password = await pg.createLogin('ivy');
      await weak.grant({ target: 'reports', login: 'ivy' });
      const session = await pg.connectAs('ivy', password);
      const err = await targetError(weak.revoke({ target: 'reports', login: 'ivy' }, { terminateSessions: true }));
      expect(err.retry).toBe(false);
      expect(err.message).toContain('needs membership in pg_signal_backend');
      // the revoke itself went through; the session is still open
      expect(await pg.hasRole('ivy', 'reports')).toBe(false);
      expect((await session.query('SELECT 1 AS one')).rows[0].one).toBe(1);
    } finally {
      await weak.close();
    }
  });

  it("a superuser login's sessions: says only a superuser can end them", async () => {
    await pg.query(`CREATE ROLE boss LOGIN SUPERUSER PASSWORD 'boss-password'`);
    await driver.grant({ target: 'reports', login: 'boss' });
    await pg.connectAs('boss', 'boss-password');
    const err = await targetError(driver.revoke({ target: 'reports', login: 'boss' }, { terminateSessions: true }));
    expect(err.retry).toBe(false);
    expect(err.message).toContain('"boss" is a PostgreSQL superuser: only a superuser can end its sessions');
    // the revoke went through (pg_has_role is always true for a superuser: read the membership itself)
    expect((await driver.members(['reports'])).get('reports')!.has('boss')).toBe(false);
  });

  it("refuses to revoke the connector's own ADMIN OPTION membership", async () => {
    const err = await targetError(driver.revoke({ target: 'reports', login: 'elevate_connector' }, { terminateSessions: false }));
    expect(err.retry).toBe(false);
    expect(err.message).toContain('will not revoke its own membership in "reports"');
    const admin = await pg.query(
      `SELECT am.admin_option FROM pg_auth_members am JOIN pg_roles g ON g.oid = am.roleid JOIN pg_roles m ON m.oid = am.member
        WHERE g.rolname = 'reports' AND m.rolname = 'elevate_connector'`,
    );
    expect(admin.rows).toEqual([{ admin_option: true }]);
  });

  it('an unreachable server: retried later, and the message never shows the password', async () => {
    const port = await unusedPort();
    const secret = 's3cr3t-Pa55word';
    const connectionString = `postgresql://elevate_connector:${secret}@127.0.0.1:${port}/postgres`;
    const down = createPostgresDriver({ connectionString });
    try {
      const err = await targetError(down.grant({ target: 'reports', login: 'hank' }));
      expect(err.retry).toBe(true);
      expect(err.message).toContain(`Cannot reach the PostgreSQL server at 127.0.0.1:${port}`);
      expect(err.message).toContain('connection refused');
      expect(err.message).not.toContain(secret);
      expect(err.message).not.toContain(connectionString);

      const check = await down.test(['reports']);
      expect(check.ok).toBe(false);
      expect(check.message).toContain('Cannot reach the PostgreSQL server');
      expect(check.message).not.toContain(secret);
    } finally {
      await down.close();
    }
  });

  it('a wrong password: retried later, says the sign-in failed, never shows the password', async () => {
    const secret = 'not-the-right-password';
    const wrong = createPostgresDriver({ connectionString: `postgresql://elevate_connector:${secret}@127.0.0.1:${pg.port}/postgres` });
    try {
      const err = await targetError(wrong.members(['reports']));
      expect(err.retry).toBe(true);
      expect(err.message).toContain('Cannot reach the PostgreSQL server');
      expect(err.message).toContain('password authentication failed for "elevate_connector"');
      expect(err.message).not.toContain(secret);
    } finally {
      await wrong.close();
    }
  });
});

describe('test()', () => {
  beforeAll(async () => {
    await pg.createGroupRole('dba_read');
    await pg.createGroupRole('dba_write');
  });

  it('reports the server version and who Elevate connects as when all is in place', async () => {
    const check = await driver.test(['dba_read', 'dba_write']);
    expect(check).toEqual({
      ok: true,
      message: expect.stringMatching(/^PostgreSQL \d+\.\d+ as "elevate_connector": /),
      missingTargets: [],
    });
    expect(check.message).toContain('can grant and revoke 2 group roles and end sessions');
  });

  it('names the targets that do not exist', async () => {
    const check = await driver.test(['dba_read', 'dba_admin', 'dba_wirte']);
    expect(check.ok).toBe(false);
    expect(check.missingTargets).toEqual(['dba_admin', 'dba_wirte']);
    expect(check.message).toContain('no group role "dba_admin", "dba_wirte"');
  });

  it('names a target the connector has no ADMIN OPTION on', async () => {
    await pg.query('CREATE ROLE dba_super NOLOGIN');
    const check = await driver.test(['dba_read', 'dba_super']);
    expect(check.ok).toBe(false);
    expect(check.missingTargets).toEqual([]);
    expect(check.message).toContain('GRANT "dba_super" TO "elevate_connector" WITH ADMIN OPTION');
  });

  it('the connector role really is least privilege', async () => {
    const r = await pg.query(`SELECT rolsuper, rolcreaterole, rolcreatedb, rolcanlogin FROM pg_roles WHERE rolname = 'elevate_connector'`);
    expect(r.rows[0]).toEqual({ rolsuper: false, rolcreaterole: false, rolcreatedb: false, rolcanlogin: true });
  });
});
