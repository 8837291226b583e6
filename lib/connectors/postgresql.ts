/**
 * The PostgreSQL target (docs/connectors/postgresql.md). A binding's target is a group role
 * (NOLOGIN); a user's login is a LOGIN role that already exists. Granting is role
 * membership: `GRANT "group" TO "login"`.
 *
 * Least privilege: Elevate signs in as a plain role that holds each mapped group role WITH
 * ADMIN OPTION and is a member of pg_signal_backend, never a superuser or CREATEROLE (either
 * could grant itself, or anyone, any role in the cluster). It creates and drops nothing.
 *
 * Idempotent: PostgreSQL answers a repeated GRANT with a NOTICE ("role "x" is already a
 * member of role "y"") and a REVOKE of a missing membership with a WARNING ("role "x" is
 * not a member of role "y""), so the reconciler can repeat any call after a crash or a
 * timeout. Revoking from a role that no longer exists succeeds too: nothing is granted.
 *
 * Session termination: privileges are checked when a statement runs, but a session that
 * ran `SET ROLE "group"` keeps that role after the REVOKE. With `terminateSessions` the
 * login's open sessions are ended, which is why the connector needs pg_signal_backend.
 */
import pg from 'pg';
import { TargetError, type ConnectionCheck, type RevokeOptions, type TargetDriver, type TargetGrant } from './types';

export interface PostgresDriverOptions {
  /** postgresql://user:password@host:port/database — the password never appears in an error */
  connectionString: string;
  /** statement_timeout for every statement, default 10 s (a GRANT waits behind locks on pg_authid) */
  statementTimeoutMs?: number;
}

/** PostgreSQL truncates longer identifiers silently (with a NOTICE) — to another role's name, possibly. */
const MAX_IDENTIFIER_BYTES = 63;

/**
 * A role name as a quoted SQL identifier: `"` doubled, the whole in double quotes, so case and
 * any character are kept. Names PostgreSQL cannot hold (empty, NUL, over 63 bytes) are refused.
 */
export function quoteIdent(name: string): string {
  if (typeof name !== 'string' || name.length === 0) throw new TargetError('A PostgreSQL role name cannot be empty', false);
  if (name.includes('\0')) throw new TargetError(`PostgreSQL role names cannot contain a NUL character: ${JSON.stringify(name)}`, false);
  const bytes = Buffer.byteLength(name, 'utf8');
  if (bytes > MAX_IDENTIFIER_BYTES) {
    throw new TargetError(
      `PostgreSQL role names are at most ${MAX_IDENTIFIER_BYTES} bytes; "${name}" is ${bytes} and PostgreSQL would cut it to another name`,
      false,
    );
  }
  return '"' + name.replace(/"/g, '""') + '"';
}

interface PgError extends Error {
  code?: string;
  detail?: string;
}

type Op = { kind: 'grant' | 'revoke'; target: string; login: string } | { kind: 'terminate'; login: string } | { kind: 'read' };

const NETWORK_CODES: Record<string, string> = {
  ECONNREFUSED: 'connection refused (is the server running and listening on that address?)',
  ENOTFOUND: 'host name not found',
  EAI_AGAIN: 'host name lookup failed',
  ETIMEDOUT: 'no answer (timed out)',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ECONNRESET: 'the connection was reset',
  EPIPE: 'the connection was closed',
};

export function createPostgresDriver(opts: PostgresDriverOptions): TargetDriver {
  const statementTimeoutMs = opts.statementTimeoutMs ?? 10_000;
  // parsed once, only to word errors: where the server is and who Elevate signs in as
  let where = 'the configured address';
  let connectorRole = 'the connector role';
  let password: string | undefined;
  let validConfig = true;
  try {
    const parsed = new pg.Client({ connectionString: opts.connectionString });
    where = `${parsed.host}:${parsed.port}`;
    if (parsed.user) connectorRole = parsed.user;
    password = typeof parsed.password === 'string' ? parsed.password : undefined;
  } catch {
    validConfig = false;
  }

  const pool = new pg.Pool({
    connectionString: opts.connectionString,
    max: 2,
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 10_000,
    allowExitOnIdle: true,
    keepAlive: true,
    application_name: 'elevate-connector',
    statement_timeout: statementTimeoutMs,
    // a server that stops answering mid-statement: give up a little after statement_timeout would
    query_timeout: statementTimeoutMs + 5_000,
  });
  // an idle connection ended by the server (restart, pg_terminate_backend) must not crash Elevate
  pool.on('error', () => {});
  let closed = false;

  /** removes the secret from any text that may reach a page or a log */
  const scrub = (text: string) => {
    let out = text.split(opts.connectionString).join('<connection string>');
    if (password && password.length >= 3) {
      for (const p of new Set([password, encodeURIComponent(password)])) out = out.split(p).join('***');
    }
    return out;
  };

  const cannotReach = (reason: string) => new TargetError(`Cannot reach the PostgreSQL server at ${where}: ${scrub(reason)}`, true);

  function unreachable(err: PgError): TargetError | null {
    const code = err.code ?? '';
    const msg = err.message ?? '';
    if (NETWORK_CODES[code]) return cannotReach(NETWORK_CODES[code]);
    if (/timeout expired|connection timeout|timeout exceeded when trying to connect/i.test(msg)) {
      return cannotReach('no answer within 5 s (check the host, port and firewall)');
    }
    if (/Query read timeout/i.test(msg)) return cannotReach(`no answer within ${Math.round((statementTimeoutMs + 5_000) / 1000)} s`);
    if (/Connection terminated|ECONNRESET|socket hang up/i.test(msg)) return cannotReach('the connection was closed');
    if (code === '28P01') return cannotReach(`password authentication failed for "${connectorRole}" (check the connector's password)`);
    if (code.startsWith('28')) return cannotReach(`the server refused the sign-in: ${msg}`);
    if (code === '3D000') return cannotReach(`${msg} (check the database in the connection string)`);
    if (code.startsWith('08') || code === '57P01' || code === '57P02' || code === '57P03' || code.startsWith('53')) {
      return cannotReach(msg);
    }
    return null;
  }

  /** which of these role names do not exist (null when even that cannot be read) */
  async function missingRoles(names: string[]): Promise<string[] | null> {
    try {
      const r = await pool.query<{ rolname: string }>('SELECT rolname FROM pg_roles WHERE rolname = ANY($1::text[])', [names]);
      const present = new Set(r.rows.map((x) => x.rolname));
      return names.filter((n) => !present.has(n));
    } catch {
      return null;
    }
  }

  const noLogin = (login: string) =>
    new TargetError(
      `PostgreSQL has no login role "${login}" for this user. Elevate never creates login roles: create it, or correct the user's PostgreSQL login name.`,
      false,
    );
  const noGroup = (target: string) =>
    new TargetError(
      `PostgreSQL has no group role "${target}". ` +
        `Create it and run GRANT ${quoteIdent(target)} TO ${quoteIdent(connectorRole)} WITH ADMIN OPTION, or correct the binding.`,
      false,
    );

  async function toTargetError(err: unknown, op: Op): Promise<TargetError> {
    if (err instanceof TargetError) return err;
    const e = (err ?? {}) as PgError;
    if (closed) return new TargetError('The PostgreSQL connector was closed', true);
    const net = unreachable(e);
    if (net) return net;
    const code = e.code ?? '';
    const msg = scrub(e.message ?? String(err));
    const detail = e.detail ? scrub(e.detail) : '';

    if (code === '42704' && (op.kind === 'grant' || op.kind === 'revoke')) {
      const missing = await missingRoles([op.login, op.target]);
      const named = /role "(.*)" does not exist/.exec(msg)?.[1];
      if (missing ? missing.includes(op.login) : named === op.login) return noLogin(op.login);
      if (missing ? missing.includes(op.target) : named === op.target) return noGroup(op.target);
      // both exist now: one was created or renamed meanwhile
      return new TargetError(`PostgreSQL: ${msg}`, true);
    }
    if (code === '42501') {
      if (op.kind === 'terminate') {
        if (/superuser/i.test(`${msg} ${detail}`)) {
          return new TargetError(
            `"${op.login}" is a PostgreSQL superuser: only a superuser can end its sessions, and Elevate does not connect as one.`,
            false,
          );
        }
        return new TargetError(
          `Elevate's connector role "${connectorRole}" may not end the sessions of "${op.login}": ` +
            `it needs membership in pg_signal_backend. Run GRANT pg_signal_backend TO ${quoteIdent(connectorRole)}.`,
          false,
        );
      }
      if (op.kind === 'grant' || op.kind === 'revoke') {
        return new TargetError(
          `Elevate's connector role "${connectorRole}" lacks ADMIN OPTION on the group role "${op.target}", so it cannot ${op.kind} it. ` +
            `Run GRANT ${quoteIdent(op.target)} TO ${quoteIdent(connectorRole)} WITH ADMIN OPTION.`,
          false,
        );
      }
      return new TargetError(`Elevate's connector role "${connectorRole}" lacks a right it needs: ${msg}`, false);
    }
    if (code === '57014') {
      return new TargetError(
        `PostgreSQL did not finish within ${statementTimeoutMs} ms (statement_timeout); another transaction may hold a lock on the roles`,
        true,
      );
    }
    // lock not available, serialization failure, deadlock, "tuple concurrently updated"
    const transient = code === '55P03' || code.startsWith('40') || code === 'XX000' || !code;
    const what =
      op.kind === 'grant'
        ? `grant "${op.target}" to "${op.login}"`
        : op.kind === 'revoke'
          ? `revoke "${op.target}" from "${op.login}"`
          : op.kind === 'terminate'
            ? `end the sessions of "${op.login}"`
            : 'read role memberships';
    return new TargetError(`PostgreSQL could not ${what}: ${msg}${detail ? ` (${detail})` : ''}`, transient);
  }

  function usable() {
    if (closed) throw new TargetError('The PostgreSQL connector was closed', true);
    if (!validConfig) throw new TargetError('The PostgreSQL connection string of this connector is not valid', false);
  }

  async function stillMember(target: string, login: string): Promise<boolean> {
    const r = await pool.query(
      `SELECT 1 FROM pg_auth_members am
         JOIN pg_roles g ON g.oid = am.roleid
         JOIN pg_roles m ON m.oid = am.member
        WHERE g.rolname = $1 AND m.rolname = $2`,
      [target, login],
    );
    return r.rowCount !== 0;
  }

  return {
    type: 'postgresql',

    async test(targets: string[]): Promise<ConnectionCheck> {
      const names = [...new Set(targets)];
      try {
        usable();
        const client = await pool.connect();
        try {
          const who = await client.query<{ version: string; me: string; superuser: boolean; can_signal: boolean }>(
            `SELECT current_setting('server_version') AS version, current_user AS me, r.rolsuper AS superuser,
                    pg_has_role(current_user, 'pg_signal_backend', 'USAGE') AS can_signal
               FROM pg_roles r WHERE r.rolname = current_user`,
          );
          const { version, me, superuser, can_signal } = who.rows[0];
          const roles = await client.query<{ name: string; present: boolean; admin: boolean }>(
            `SELECT t.name, g.oid IS NOT NULL AS present,
                    COALESCE(pg_has_role(current_user, g.oid, 'MEMBER WITH ADMIN OPTION'), false) AS admin
               FROM unnest($1::text[]) WITH ORDINALITY AS t(name, i)
               LEFT JOIN pg_roles g ON g.rolname = t.name
              ORDER BY t.i`,
            [names],
          );
          const missingTargets = roles.rows.filter((r) => !r.present).map((r) => r.name);
          const noAdmin = roles.rows.filter((r) => r.present && !r.admin).map((r) => r.name);
          const list = (xs: string[]) => xs.map((x) => `"${x}"`).join(', ');
          const problems: string[] = [];
          if (missingTargets.length) problems.push(`no group role ${list(missingTargets)} (create it or correct the binding)`);
          if (noAdmin.length) {
            problems.push(
              `"${me}" lacks ADMIN OPTION on ${list(noAdmin)}: ` +
                `run ${noAdmin.map((n) => `GRANT ${quoteIdent(n)} TO ${quoteIdent(me)} WITH ADMIN OPTION`).join('; ')}`,
            );
          }
          if (!can_signal) {
            problems.push(`"${me}" cannot end sessions: run GRANT pg_signal_backend TO ${quoteIdent(me)}`);
          }
          const head = `PostgreSQL ${version.split(' ')[0]} as "${me}"`;
          if (problems.length) return { ok: false, message: `${head}: ${problems.join('; ')}`, missingTargets };
          const rights = `can grant and revoke ${names.length} group role${names.length === 1 ? '' : 's'} and end sessions`;
          const note = superuser ? ' (a superuser: Elevate needs far less, see docs/connectors/postgresql.md)' : '';
          return { ok: true, message: `${head}: ${rights}${note}`, missingTargets: [] };
        } finally {
          client.release();
        }
      } catch (err) {
        const te = await toTargetError(err, { kind: 'read' }).catch(
          () => new TargetError(`Cannot reach the PostgreSQL server at ${where}`, true),
        );
        return { ok: false, message: te.message, missingTargets: [] };
      }
    },

    async members(targets: string[]): Promise<Map<string, Set<string>>> {
      usable();
      const out = new Map<string, Set<string>>();
      for (const t of targets) out.set(t, new Set());
      if (targets.length === 0) return out;
      try {
        // direct members only; the connector's own ADMIN OPTION membership is how it manages the role, not a grant
        const r = await pool.query<{ target: string; member: string }>(
          `SELECT g.rolname AS target, m.rolname AS member
             FROM pg_auth_members am
             JOIN pg_roles g ON g.oid = am.roleid
             JOIN pg_roles m ON m.oid = am.member
            WHERE g.rolname = ANY($1::text[]) AND m.rolname <> current_user`,
          [[...new Set(targets)]],
        );
        for (const row of r.rows) out.get(row.target)?.add(row.member);
        return out;
      } catch (err) {
        throw await toTargetError(err, { kind: 'read' });
      }
    },

    async grant(g: TargetGrant): Promise<void> {
      usable();
      const sql = `GRANT ${quoteIdent(g.target)} TO ${quoteIdent(g.login)}`;
      try {
        await pool.query(sql);
      } catch (err) {
        throw await toTargetError(err, { kind: 'grant', ...g });
      }
    },

    async revoke(g: TargetGrant, opts: RevokeOptions): Promise<{ sessionsEnded: number }> {
      usable();
      const sql = `REVOKE ${quoteIdent(g.target)} FROM ${quoteIdent(g.login)}`;
      if (g.login === connectorRole) {
        throw new TargetError(
          `Elevate connects as "${g.login}" and will not revoke its own membership in "${g.target}": it needs it to manage the role`,
          false,
        );
      }
      try {
        await pool.query(sql);
      } catch (err) {
        const e = err as PgError;
        if (e.code === '42704') {
          // a role that does not exist holds nothing, and has no sessions with the group's rights
          const missing = await missingRoles([g.login, g.target]);
          if (missing && missing.length > 0) return { sessionsEnded: 0 };
        }
        throw await toTargetError(err, { kind: 'revoke', ...g });
      }
      try {
        // PostgreSQL 16+ revokes only the membership this role granted: one granted by someone else survives
        if (await stillMember(g.target, g.login)) {
          throw new TargetError(
            `"${g.login}" is still a member of "${g.target}": that membership was granted by another role, ` +
              'and PostgreSQL lets only its grantor (or a superuser) revoke it. Revoke it as that role.',
            false,
          );
        }
      } catch (err) {
        throw await toTargetError(err, { kind: 'revoke', ...g });
      }
      if (!opts.terminateSessions) return { sessionsEnded: 0 };
      try {
        const r = await pool.query<{ ended: number }>(
          `SELECT count(*) FILTER (WHERE t.ended)::int AS ended
             FROM (SELECT pg_terminate_backend(pid) AS ended
                     FROM pg_stat_activity
                    WHERE usename = $1 AND pid <> pg_backend_pid()) t`,
          [g.login],
        );
        return { sessionsEnded: r.rows[0].ended };
      } catch (err) {
        throw await toTargetError(err, { kind: 'terminate', login: g.login });
      }
    },

    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      await pool.end();
    },
  };
}
