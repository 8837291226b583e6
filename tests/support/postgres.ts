import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import net from 'node:net';
import crypto from 'node:crypto';
import { execFile, execFileSync, spawn, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { pathToFileURL } from 'node:url';
import pg from 'pg';

const execFileAsync = promisify(execFile);

/** The least-privilege role the PostgreSQL connector signs in as (docs/connectors/postgresql.md). */
export const CONNECTOR_ROLE = 'elevate_connector';

export interface PgHarness {
  /** superuser `postgres` over TCP, with its password */
  adminUrl: string;
  /** `elevate_connector`: LOGIN, not superuser, not CREATEROLE, member of pg_signal_backend */
  connectorUrl: string;
  port: number;
  /** runs SQL as the superuser */
  query<R extends pg.QueryResultRow = any>(sql: string, params?: unknown[]): Promise<pg.QueryResult<R>>;
  /** a NOLOGIN role the connector holds WITH ADMIN OPTION, so it may grant and revoke it (and nothing else) */
  createGroupRole(name: string): Promise<void>;
  /** a LOGIN role with a password (random when omitted); returns the password */
  createLogin(name: string, password?: string): Promise<string>;
  /** pg_has_role(login, group, 'MEMBER') */
  hasRole(login: string, group: string): Promise<boolean>;
  /** a connected client signed in as `login` over TCP; ended by stop() if still open */
  connectAs(login: string, password: string): Promise<pg.Client>;
  /** fast shutdown, then removes the cluster's directory; safe to call twice */
  stop(): Promise<void>;
}

const quote = (name: string) => '"' + name.replace(/"/g, '""') + '"';

async function pgBinDir(): Promise<string> {
  const fromEnv = process.env.ELEVATE_PG_BIN;
  if (fromEnv && fs.existsSync(path.join(fromEnv, 'initdb'))) return fromEnv;
  // a computed specifier: scripts/ are plain .mjs without type declarations
  const script = pathToFileURL(path.resolve(__dirname, '../../scripts/ensure-postgres.mjs')).href;
  const mod: { ensurePostgres: () => string } = await import(/* @vite-ignore */ script);
  return mod.ensurePostgres();
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * A throwaway PostgreSQL cluster for one test file: its own temp directory, a free loopback
 * port, the unix socket inside the directory, fsync off. TCP logins need real passwords
 * (scram-sha-256), so the connector's rights are what PostgreSQL enforces, not trust.
 * The postgres server refuses to run as root: as root, initdb and pg_ctl run as the
 * `postgres` OS user via runuser.
 */
export async function startPostgres(): Promise<PgHarness> {
  const bin = await pgBinDir();
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  // as root the cluster belongs to `postgres`, which must be able to reach the directory
  const tmpBase = !isRoot || (fs.statSync(os.tmpdir()).mode & 0o001) !== 0 ? os.tmpdir() : '/tmp';
  const dir = fs.mkdtempSync(path.join(tmpBase, 'elevate-pg-'));
  const data = path.join(dir, 'data');
  const sock = path.join(dir, 'sock');
  const logFile = path.join(dir, 'postgres.log');
  const pwFile = path.join(dir, 'pw');
  fs.mkdirSync(sock);
  const adminPassword = crypto.randomBytes(12).toString('hex');
  const connectorPassword = crypto.randomBytes(12).toString('hex');
  fs.writeFileSync(pwFile, adminPassword + '\n', { mode: 0o600 });
  if (isRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    for (const p of [dir, sock, pwFile]) fs.chownSync(p, uid, gid);
  }
  const cmd = (name: string, args: string[]): [string, string[]] =>
    isRoot ? ['runuser', ['-u', 'postgres', '--', path.join(bin, name), ...args]] : [path.join(bin, name), args];
  const run = async (name: string, args: string[]) => {
    const [file, argv] = cmd(name, args);
    // cwd: the postgres user may not be allowed into the project directory
    return execFileAsync(file, argv, { cwd: dir, env: { ...process.env, LC_ALL: 'C', LANG: 'C' } });
  };

  let watchdog: number | undefined;
  let stopped = false;
  // synchronous: the only kind of work an 'exit' hook can do
  const stopNow = () => {
    if (stopped) return;
    stopped = true;
    const [file, argv] = cmd('pg_ctl', ['-D', data, 'stop', '-m', 'immediate', '-w']);
    if (fs.existsSync(path.join(data, 'postmaster.pid'))) spawnSync(file, argv, { cwd: dir, stdio: 'ignore' });
    fs.rmSync(dir, { recursive: true, force: true });
    if (watchdog) {
      try {
        process.kill(-watchdog, 'SIGTERM');
      } catch {
        /* already gone */
      }
    }
  };
  process.on('exit', stopNow);

  try {
    await run('initdb', [
      '-D',
      data,
      '-U',
      'postgres',
      `--pwfile=${pwFile}`,
      '--auth-local=trust',
      '--auth-host=scram-sha-256',
      '-E',
      'UTF8',
      '--locale=C',
      '--no-sync',
      '--no-instructions',
    ]);
    fs.rmSync(pwFile);
    let port = 0;
    for (let attempt = 1; ; attempt++) {
      port = await freePort();
      const conf = [
        `listen_addresses = '127.0.0.1'`,
        `port = ${port}`,
        `unix_socket_directories = '${sock}'`,
        'fsync = off',
        'synchronous_commit = off',
        'full_page_writes = off',
        'shared_buffers = 16MB',
        'max_connections = 30',
        'max_wal_senders = 0',
        'wal_level = minimal',
        `lc_messages = 'C'`,
      ];
      // postgresql.auto.conf wins over postgresql.conf; rewriting it keeps a retry's port
      fs.writeFileSync(path.join(data, 'postgresql.auto.conf'), conf.join('\n') + '\n');
      try {
        await run('pg_ctl', ['-D', data, '-l', logFile, '-w', '-t', '60', 'start']);
        break;
      } catch (err) {
        const log = fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8') : '';
        // another process took the port between freePort() and the bind: pick another
        if (attempt < 3 && /could not bind|Address already in use/i.test(log)) continue;
        throw new Error(`PostgreSQL did not start: ${(err as Error).message}\n${log.slice(-2000)}`);
      }
    }

    // if this process dies without running its 'exit' hooks (SIGKILL, a killed worker),
    // a detached shell stops the cluster and removes its directory
    const [stopFile, stopArgs] = cmd('pg_ctl', ['-D', data, 'stop', '-m', 'immediate']);
    const dog = spawn(
      'sh',
      [
        '-c',
        'while kill -0 "$1" 2>/dev/null; do sleep 1; done; shift; d="$1"; shift; "$@" >/dev/null 2>&1; rm -rf "$d"',
        'elevate-pg-watchdog',
        String(process.pid),
        dir,
        stopFile,
        ...stopArgs,
      ],
      { detached: true, stdio: 'ignore' },
    );
    dog.unref();
    watchdog = dog.pid;

    const adminUrl = `postgresql://postgres:${adminPassword}@127.0.0.1:${port}/postgres`;
    const connectorUrl = `postgresql://${CONNECTOR_ROLE}:${connectorPassword}@127.0.0.1:${port}/postgres`;
    const admin = new pg.Client({ connectionString: adminUrl, application_name: 'elevate-test-admin' });
    admin.on('error', () => {});
    await admin.connect();
    const clients = new Set<pg.Client>([admin]);

    await admin.query(
      `CREATE ROLE ${CONNECTOR_ROLE} LOGIN NOSUPERUSER NOCREATEROLE NOCREATEDB PASSWORD ${admin.escapeLiteral(connectorPassword)}`,
    );
    await admin.query(`GRANT pg_signal_backend TO ${CONNECTOR_ROLE}`);

    const harness: PgHarness = {
      adminUrl,
      connectorUrl,
      port,
      query: (sql, params) => admin.query(sql, params as unknown[]),
      async createGroupRole(name) {
        await admin.query(`CREATE ROLE ${quote(name)} NOLOGIN`);
        await admin.query(`GRANT ${quote(name)} TO ${CONNECTOR_ROLE} WITH ADMIN OPTION`);
      },
      async createLogin(name, password = crypto.randomBytes(9).toString('hex')) {
        await admin.query(`CREATE ROLE ${quote(name)} LOGIN PASSWORD ${admin.escapeLiteral(password)}`);
        return password;
      },
      async hasRole(login, group) {
        const r = await admin.query<{ member: boolean }>(`SELECT pg_has_role($1, $2, 'MEMBER') AS member`, [login, group]);
        return r.rows[0].member;
      },
      async connectAs(login, password) {
        const c = new pg.Client({ host: '127.0.0.1', port, database: 'postgres', user: login, password });
        // a terminated session reports its error here too; the test sees it on its next query
        c.on('error', () => {});
        await c.connect();
        clients.add(c);
        return c;
      },
      async stop() {
        if (stopped) return;
        await Promise.all([...clients].map((c) => c.end().catch(() => {})));
        try {
          if (!stopped) await run('pg_ctl', ['-D', data, 'stop', '-m', 'fast', '-w', '-t', '30']);
        } catch {
          /* stopNow() below ends it with -m immediate */
        }
        stopNow();
        process.removeListener('exit', stopNow);
      },
    };
    return harness;
  } catch (err) {
    stopNow();
    process.removeListener('exit', stopNow);
    throw err;
  }
}
