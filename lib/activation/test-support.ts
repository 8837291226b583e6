import crypto from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '@/db/client';
import * as s from '@/db/schema';
import { DEMO_SUBSCRIPTION, DEMO_TOTP_SECRET } from '@/db/seed/demo';
import { ROLE_IDS, defaultSettingsFor, type RoleSettings } from '@/lib/policy';
import { settingsToRow } from '@/db/mappers';
import { totpCode } from '@/lib/auth/totp';
import { isElevateError, type ElevateError } from '@/lib/errors';

/** Test-only helpers for the activation service tests (real SQLite via freshDb). */
export const SUB = DEMO_SUBSCRIPTION.toLowerCase();
export const RG = (name: 'finance-test' | 'finance-dev' | 'finance-prod') => `${SUB}/resourcegroups/${name}`;
export const VM = (rg: 'finance-test' | 'finance-dev' | 'finance-prod', vm: 'vm1' | 'vm2') =>
  `${RG(rg)}/providers/microsoft.compute/virtualmachines/${rg}-${vm}`;
export const MIN = 60_000;
export const HOUR = 60 * MIN;
export const DAY = 24 * HOUR;

/** A code for the demo secret at `at`; codes of successive 30-s steps differ, so tests move the clock on. */
export const codeAt = (at: number) => totpCode(DEMO_TOTP_SECRET, at);

export function user(db: Db, id: string) {
  return db.select().from(s.users).where(eq(s.users.id, id)).get()!;
}

export function eligibilityOf(db: Db, userId: string, roleId: string = ROLE_IDS.owner) {
  return db
    .select()
    .from(s.eligibilitySchedules)
    .where(and(eq(s.eligibilitySchedules.principalId, userId), eq(s.eligibilitySchedules.roleId, roleId)))
    .get()!;
}

/** Row counts of everything a refused submission must leave untouched. */
export function counts(db: Db) {
  const n = (t: string) => db.get<{ n: number }>(sql.raw(`SELECT count(*) AS n FROM ${t}`))!.n;
  return {
    requests: n('requests'),
    schedules: n('assignment_schedules'),
    approvers: n('request_approvers'),
    notifications: n('notifications'),
    audit: n('audit_events'),
    outbox: n('email_outbox'),
    sessionMfa: n('session_mfa'),
    totpSteps: db.get<{ t: string }>(sql.raw('SELECT group_concat(coalesce(totp_last_step, -1)) AS t FROM users'))!.t,
  };
}

/** Writes explicit settings for (scope, role), as an administrator would. */
export function setSettings(db: Db, scopeId: string, roleId: string, patch: Partial<RoleSettings>, now: number) {
  db.transaction((tx) => {
    const existing = tx
      .select()
      .from(s.roleSettings)
      .where(and(eq(s.roleSettings.scopeId, scopeId), eq(s.roleSettings.roleId, roleId)))
      .get();
    if (existing) tx.delete(s.roleSettings).where(eq(s.roleSettings.id, existing.id)).run();
    tx.insert(s.roleSettings)
      .values({ id: crypto.randomUUID(), scopeId, roleId, ...settingsToRow({ ...defaultSettingsFor(roleId), ...patch }), updatedAt: now })
      .run();
  });
}

/** The ElevateError a refused call throws (any other error, or none, fails the test). */
export function refused(fn: () => unknown): ElevateError {
  try {
    fn();
  } catch (e) {
    if (isElevateError(e)) return e;
    throw e;
  }
  throw new Error('expected a refusal');
}
