import type Database from 'better-sqlite3';
import crypto from 'node:crypto';
import { auditHash, GENESIS_HASH, type AuditContent } from '@/lib/audit/chain';
import { DEMO_SUBSCRIPTION, DEMO_TENANT_ID } from '@/db/seed/demo';
import type { ScheduleRow, Sink } from './model';
import type { GroupRow, UserRow } from './people';
import type { ResourceRow } from './tree';

/**
 * An argon2id hash (the portal's parameters) of a random password that was thrown away:
 * one hash for every generated user, because hashing 20,000 passwords would take
 * minutes. Nobody can sign in as a generated user with a password until an
 * administrator resets it (they stand for accounts that sign in through the identity
 * provider).
 */
export const UNUSABLE_PASSWORD_HASH = '$argon2id$v=19$m=19456,t=2,p=1$MJVpPYfeVL6mwZjf8YoPmA$bAIUSyZHtBihwNjQkXAogqyLNCetyw637YYEGzHqyWo';

export type DbState = { kind: 'empty' } | { kind: 'demo' } | { kind: 'data'; reason: string };

const one = (sqlite: Database.Database, sql: string, ...params: unknown[]) =>
  sqlite
    .prepare(sql)
    .pluck()
    .get(...params) as number;

/**
 * What the database holds: nothing, only the demo tenant (its demo accounts and the
 * Blue Widget Co subscription, whatever was clicked there), or data someone would lose.
 */
export function inspect(sqlite: Database.Database): DbState {
  const tenants = one(sqlite, 'SELECT count(*) FROM tenants');
  const users = one(sqlite, 'SELECT count(*) FROM users');
  const resources = one(sqlite, 'SELECT count(*) FROM resources');
  if (!tenants && !users && !resources) return { kind: 'empty' };
  const people = one(sqlite, 'SELECT count(*) FROM users WHERE is_demo = 0');
  if (people) {
    const example = sqlite.prepare('SELECT email FROM users WHERE is_demo = 0 ORDER BY email LIMIT 1').pluck().get() as string;
    return { kind: 'data', reason: `${people} user account(s) that are not demo accounts (e.g. ${example})` };
  }
  const groups = one(sqlite, 'SELECT count(*) FROM groups');
  if (groups) return { kind: 'data', reason: `${groups} group(s)` };
  const sub = DEMO_SUBSCRIPTION.toLowerCase();
  const foreign = one(
    sqlite,
    `SELECT count(*) FROM resources WHERE id <> ? AND id NOT LIKE ? ESCAPE '\\' AND id <> (SELECT coalesce(root_resource_id, '') FROM tenants WHERE id = ?)`,
    sub,
    sub.replace(/[\\%_]/g, (c) => '\\' + c) + '%',
    DEMO_TENANT_ID,
  );
  if (foreign) return { kind: 'data', reason: `${foreign} resource(s) outside the demo subscription` };
  return { kind: 'demo' };
}

/**
 * Empties every tenant table in one transaction (--force, or replacing the demo tenant).
 * The audit log refuses DELETE by trigger: those triggers are dropped for the wipe and
 * re-created from their stored definitions before the transaction commits.
 */
export function wipe(sqlite: Database.Database) {
  const keep = new Set(['__drizzle_migrations', 'tenant_revision']);
  const tables = (
    sqlite.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`).pluck().all() as string[]
  ).filter((t) => !keep.has(t));
  const guards = sqlite.prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_events'`).all() as {
    name: string;
    sql: string;
  }[];
  sqlite.pragma('foreign_keys = OFF'); // only outside a transaction; rows of every table go, so no reference is left dangling
  try {
    sqlite
      .transaction(() => {
        for (const g of guards) sqlite.exec(`DROP TRIGGER "${g.name}"`);
        for (const t of tables) sqlite.exec(`DELETE FROM "${t}"`);
        for (const g of guards) sqlite.exec(g.sql);
      })
      .immediate();
  } finally {
    sqlite.pragma('foreign_keys = ON');
  }
}

const b = (v: boolean) => (v ? 1 : 0);

const BULK_TABLES = [
  'resources',
  'users',
  'groups',
  'group_members',
  'role_settings',
  'role_setting_approvers',
  'eligibility_schedules',
  'assignment_schedules',
  'requests',
  'request_approvers',
  'approval_decisions',
  'audit_events',
];

/**
 * Runs `fn` in one transaction set up for a bulk load, and puts everything back before
 * it returns:
 * - the INSERT triggers and secondary indexes of the tenant tables are dropped inside the
 *   transaction and re-created from their stored definitions before it commits, so no
 *   other connection ever sees them missing. The change-log triggers would log every row
 *   only for the log to be emptied at the end; the resource path trigger's "adopt
 *   children" UPDATE scans the whole table on every insert (SQLite does not skip the scan
 *   when its EXISTS is false: quadratic, minutes at 100k resources), and insertResources
 *   writes the same paths itself; an index built once over all keys is several times
 *   cheaper than one grown a random key at a time, and a unique one re-checks its keys.
 * - foreign keys are not checked row by row: the generator only refers to rows it wrote
 *   (tests/scale/seed-scale.test.ts runs PRAGMA foreign_key_check on a generated tenant).
 * - the rollback journal is kept in memory and nothing is synced until the end, instead
 *   of every page going through the WAL and then the checkpoint (half the time at 100k).
 *   The database holds nothing a person could lose at this point (it was empty, held
 *   only the demo, or was wiped with --force); a run killed halfway can leave a broken
 *   file, to delete or overwrite with another run. If another connection holds the file
 *   open, SQLite keeps WAL mode and the load just takes longer.
 */
export function bulkWrite(sqlite: Database.Database, fn: () => void) {
  const list = BULK_TABLES.map((t) => `'${t}'`).join(', ');
  const triggers = (
    sqlite.prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name IN (${list})`).all() as {
      name: string;
      sql: string;
    }[]
  ).filter((t) => /\bINSERT\s+ON\b/i.test(t.sql));
  const indexes = sqlite
    .prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN (${list})`)
    .all() as { name: string; sql: string }[];
  let journal = 'wal';
  sqlite.pragma('foreign_keys = OFF');
  try {
    try {
      journal = sqlite.pragma('journal_mode = MEMORY', { simple: true }) as string;
    } catch {
      // busy: another connection has the file open; stay in WAL
    }
    sqlite.pragma('synchronous = OFF');
    sqlite
      .transaction(() => {
        for (const t of triggers) sqlite.exec(`DROP TRIGGER "${t.name}"`);
        for (const i of indexes) sqlite.exec(`DROP INDEX "${i.name}"`);
        fn();
        for (const i of indexes) sqlite.exec(i.sql);
        for (const t of triggers) sqlite.exec(t.sql);
      })
      .immediate();
  } finally {
    sqlite.pragma('synchronous = NORMAL');
    if (journal !== 'wal') sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('foreign_keys = ON');
  }
}

/**
 * Resources with their materialised paths: explicit rowids, and path = parent's path ||
 * rowid || '/', exactly what the insert trigger of db/migrations/0003_resource_path.sql
 * writes for a parent-first insert (the trigger is off during the bulk load).
 * managed = 0: PIM is enabled once, at the tenant root, and descendants inherit it
 * (decision 040).
 */
export function insertResources(sqlite: Database.Database, rows: ResourceRow[]) {
  const paths = new Map<string, string>();
  for (const p of sqlite.prepare('SELECT id, path FROM resources').all() as { id: string; path: string }[]) paths.set(p.id, p.path);
  let rowid = sqlite.prepare('SELECT coalesce(max(rowid), 0) FROM resources').pluck().get() as number;
  const stmt = sqlite.prepare(
    `INSERT INTO resources (rowid, id, arm_id, tenant_id, kind, type, name, display_name, parent_id, managed, managed_at, managed_by, created_at, path)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, NULL, NULL, ?, ?)`,
  );
  for (const r of rows) {
    const parentPath = paths.get(r.parentId);
    if (parentPath === undefined) throw new Error(`resource ${r.id} comes before its parent ${r.parentId}`);
    const path = `${parentPath}${++rowid}/`;
    paths.set(r.id, path);
    stmt.run(rowid, r.id, r.armId, DEMO_TENANT_ID, r.kind, r.type, r.name, r.displayName, r.parentId, r.createdAt, path);
  }
}

/** Generated users (one shared unusable password hash) and groups with their members. */
export function insertPeople(sqlite: Database.Database, users: UserRow[], groups: GroupRow[]) {
  const user = sqlite.prepare(
    `INSERT INTO users (id, tenant_id, email, display_name, password_hash, disabled, must_change_password, must_enrol_mfa, is_pim_admin, is_demo,
       last_sign_in_at, created_at, created_by)
     VALUES (?, ?, ?, ?, ?, ?, 0, 0, ?, 0, ?, ?, NULL)`,
  );
  for (const u of users)
    user.run(
      u.id,
      DEMO_TENANT_ID,
      u.email,
      u.displayName,
      UNUSABLE_PASSWORD_HASH,
      b(u.disabled),
      b(u.isPimAdmin),
      u.lastSignInAt,
      u.createdAt,
    );
  const group = sqlite.prepare('INSERT INTO groups (id, tenant_id, name, description, created_at) VALUES (?, ?, ?, ?, ?)');
  const member = sqlite.prepare('INSERT INTO group_members (group_id, user_id, added_at) VALUES (?, ?, ?)');
  for (const g of groups) {
    group.run(g.id, DEMO_TENANT_ID, g.name, g.description, g.createdAt);
    for (const m of g.memberIds) member.run(g.id, m, g.createdAt);
  }
}

/** A Sink that inserts each row the moment the generator hands it over. */
export function sqlSink(sqlite: Database.Database): Sink {
  const settings = sqlite.prepare(
    `INSERT INTO role_settings (id, scope_id, role_id, activation_max_minutes, activation_require_mfa, activation_require_justification,
       activation_require_ticket, approval_required, approval_timeout_minutes, approver_justification_required, eligible_permanent_allowed,
       eligible_max_days, active_permanent_allowed, active_max_days, active_require_mfa, active_require_justification, notifications,
       updated_at, updated_by, approval_require_mfa)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const settingApprover = sqlite.prepare('INSERT INTO role_setting_approvers (settings_id, principal_type, principal_id) VALUES (?, ?, ?)');
  const cols =
    'id, principal_type, principal_id, role_id, scope_id, start_at, end_at, created_at, created_by, request_id, updated_at, revoked_at, revoked_by';
  const eligibility = sqlite.prepare(`INSERT INTO eligibility_schedules (${cols}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const assignment = sqlite.prepare(
    `INSERT INTO assignment_schedules (${cols}, origin, linked_eligibility_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const request = sqlite.prepare(
    `INSERT INTO requests (id, kind, request_type, status, requester_id, principal_type, principal_id, role_id, scope_id, justification,
       ticket_number, ticket_system, start_at, end_at, duration_minutes, mfa_verified_at, approval_required, approval_deadline,
       settings_snapshot, linked_eligibility_id, target_schedule_id, created_at, completed_at, canceled_at, canceled_by, failure_reason, batch_id, channel)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL, ?)`,
  );
  const requestApprover = sqlite.prepare('INSERT INTO request_approvers (request_id, principal_type, principal_id) VALUES (?, ?, ?)');
  const decision = sqlite.prepare(
    'INSERT INTO approval_decisions (id, request_id, approver_id, decision, justification, decided_at) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const schedule = (s: ScheduleRow) =>
    [
      s.id,
      s.principalType,
      s.principalId,
      s.roleId,
      s.scopeId,
      s.startAt,
      s.endAt,
      s.createdAt,
      s.createdBy,
      s.requestId,
      s.updatedAt,
      s.revokedAt,
      s.revokedBy,
    ] as const;
  return {
    settings(row) {
      const s = row.settings;
      settings.run(
        row.id,
        row.scopeId,
        row.roleId,
        s.activationMaxMinutes,
        b(s.activationRequireMfa),
        b(s.activationRequireJustification),
        b(s.activationRequireTicket),
        b(s.approvalRequired),
        s.approvalTimeoutMinutes,
        b(s.approverJustificationRequired),
        b(s.eligiblePermanentAllowed),
        s.eligibleMaxDays,
        b(s.activePermanentAllowed),
        s.activeMaxDays,
        b(s.activeRequireMfa),
        b(s.activeRequireJustification),
        JSON.stringify(s.notifications),
        row.updatedAt,
        row.updatedBy,
        b(s.approvalRequireMfa),
      );
    },
    settingApprover: (settingsId, p) => void settingApprover.run(settingsId, p.type, p.id),
    eligibility: (s) => void eligibility.run(...schedule(s)),
    assignment: (s) => void assignment.run(...schedule(s), s.origin, s.linkedEligibilityId),
    request(q) {
      request.run(
        q.id,
        q.kind,
        q.requestType,
        q.status,
        q.requesterId,
        q.principalType,
        q.principalId,
        q.roleId,
        q.scopeId,
        q.justification,
        q.ticketNumber,
        q.ticketSystem,
        q.startAt,
        q.endAt,
        q.durationMinutes,
        q.mfaVerifiedAt,
        b(q.approvalRequired),
        q.approvalDeadline,
        q.settingsSnapshot,
        q.linkedEligibilityId,
        q.targetScheduleId,
        q.createdAt,
        q.completedAt,
        q.canceledAt,
        q.canceledBy,
        q.channel,
      );
    },
    requestApprover: (requestId, p) => void requestApprover.run(requestId, p.type, p.id),
    decision: (d) => void decision.run(d.id, d.requestId, d.approverId, d.decision, d.justification, d.decidedAt),
  };
}

/** The fields auditHash covers, in its order (lib/audit/chain.ts). */
const HASHED: (keyof AuditContent)[] = [
  'id',
  'at',
  'actorId',
  'actorName',
  'action',
  'outcome',
  'principalType',
  'principalId',
  'principalName',
  'roleId',
  'roleName',
  'scopeId',
  'requestId',
  'justification',
  'details',
];

/**
 * auditHash in one digest call: hashing the concatenation equals hashing its parts in
 * turn, and one update instead of sixteen makes 300,000 events several times cheaper.
 * Checked against auditHash itself on a sample of events, so a change of the chain's
 * format stops the seed instead of writing a chain that does not verify.
 */
function chainHash(prev: string, e: AuditContent, check: boolean): string {
  let text = prev;
  for (const f of HASHED) text += '\u0000' + f + '=' + (e[f] === null ? '\u0001' : String(e[f]));
  const hash = crypto.createHash('sha256').update(text).digest('hex');
  if (check && hash !== auditHash(prev, e))
    throw new Error('The audit chain format changed (lib/audit/chain.ts): update chainHash in scripts/scale/write.ts.');
  return hash;
}

/**
 * Appends the generated history to the audit hash chain as lib/audit/write.ts does
 * (same fields, same hash, linked to the last stored event), in time order, so
 * `npm run audit:verify` accepts the whole log.
 */
export function insertAudit(sqlite: Database.Database, audit: AuditContent[]) {
  const events = [...audit].sort((x, y) => x.at - y.at); // stable: same-time events keep their causal order
  let prev =
    (sqlite.prepare('SELECT hash FROM audit_events ORDER BY seq DESC LIMIT 1').pluck().get() as string | undefined) ?? GENESIS_HASH;
  const head = `INSERT INTO audit_events (id, at, actor_id, actor_name, action, outcome, principal_type, principal_id, principal_name,
       role_id, role_name, scope_id, request_id, justification, details, prev_hash, hash) VALUES `;
  const tuple = `(${new Array(17).fill('?').join(', ')})`;
  // many rows per statement: an AUTOINCREMENT table reads and writes its sqlite_sequence row once per statement, not per row
  const BATCH = 64;
  const many = sqlite.prepare(head + new Array(BATCH).fill(tuple).join(', '));
  const one = sqlite.prepare(head + tuple);
  const params: unknown[] = [];
  events.forEach((e, i) => {
    const hash = chainHash(prev, e, i % 1000 === 0);
    params.push(
      e.id,
      e.at,
      e.actorId,
      e.actorName,
      e.action,
      e.outcome,
      e.principalType,
      e.principalId,
      e.principalName,
      e.roleId,
      e.roleName,
      e.scopeId,
      e.requestId,
      e.justification,
      e.details,
      prev,
      hash,
    );
    prev = hash;
    if (params.length === BATCH * 17) {
      many.run(params);
      params.length = 0;
    }
  });
  for (let i = 0; i < params.length; i += 17) one.run(params.slice(i, i + 17));
}
