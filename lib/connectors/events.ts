import { sql } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import type { AuditContent } from '@/lib/audit/chain';

/**
 * The event journal that signed webhooks deliver from (ADR 080). Events are recorded in
 * the transaction that makes the change — derived from its audit event, so no service can
 * forget one — plus the ends nobody clicks (an activation reaching its end), which the
 * reconciler records when the clock passes them. Each event has a stable id naming the
 * fact it reports, so two paths that notice the same fact record it once.
 */
export const EVENT_TYPES = [
  'activation.started',
  'activation.ended',
  'assignment.created',
  'assignment.updated',
  'assignment.removed',
  'request.created',
  'request.approved',
  'request.denied',
  'request.canceled',
  'request.timedout',
  'drift.detected',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export interface EventSubject {
  principal: { type: string; id: string; name: string | null } | null;
  role: { id: string; name: string | null } | null;
  scope: { id: string; armId: string } | null;
  /** ISO 8601 */
  window: { start: string | null; end: string | null } | null;
  request: { id: string; type: string | null } | null;
  actor: { id: string | null; name: string };
  justification: string | null;
  /** why: the engine's reasons, the end cause, the drift finding */
  reasons: string[];
  /** anything else worth a receiver's time (schedule id, binding, target) */
  details: Record<string, unknown>;
}

export interface JournalEvent {
  id: string;
  type: EventType;
  at: number;
  subject: EventSubject;
}

/** Appends an event unless one with its id exists. Returns true when it was new. */
export function recordEvent(tx: DbOrTx, e: JournalEvent): boolean {
  const r = tx.run(
    sql`INSERT OR IGNORE INTO connector_events (id, type, at, subject) VALUES (${e.id}, ${e.type}, ${e.at}, ${JSON.stringify(e.subject)})`,
  );
  return r.changes > 0;
}

const iso = (ms: unknown) => (typeof ms === 'number' ? new Date(ms).toISOString() : null);

function armIdOf(tx: DbOrTx, scopeId: string): string {
  return tx.get<{ armId: string }>(sql`SELECT arm_id AS armId FROM resources WHERE id = ${scopeId}`)?.armId ?? scopeId;
}

/** The subject of an audit event, as receivers see it. */
export function subjectOf(tx: DbOrTx, a: AuditContent, reasons: string[] = []): EventSubject {
  const details = JSON.parse(a.details) as Record<string, unknown>;
  const hasWindow = 'startAt' in details || 'endAt' in details;
  return {
    principal: a.principalId ? { type: a.principalType ?? 'User', id: a.principalId, name: a.principalName } : null,
    role: a.roleId ? { id: a.roleId, name: a.roleName } : null,
    scope: a.scopeId ? { id: a.scopeId, armId: armIdOf(tx, a.scopeId) } : null,
    window: hasWindow ? { start: iso(details.startAt), end: iso(details.endAt) } : null,
    request: a.requestId ? { id: a.requestId, type: typeof details.requestType === 'string' ? details.requestType : null } : null,
    actor: { id: a.actorId, name: a.actorName },
    justification: a.justification,
    reasons,
    details,
  };
}

const ASSIGNMENT = /^(Eligible|Active) assignment (added|updated|removed|extended|renewed)$/;

/** The journal events an audit event stands for (usually none or one). */
function mapAudit(tx: DbOrTx, a: AuditContent): Array<{ id: string; type: EventType; reasons?: string[] }> {
  if (a.outcome !== 'Success') return [];
  const details = JSON.parse(a.details) as { scheduleId?: string | null };
  switch (a.action) {
    case 'Role activated':
      return details.scheduleId ? [{ id: `activation.started:${details.scheduleId}`, type: 'activation.started' }] : [];
    case 'Role deactivated':
      return details.scheduleId
        ? [
            {
              id: `activation.ended:${details.scheduleId}`,
              type: 'activation.ended',
              reasons: ['Deactivated by the person who activated it.'],
            },
          ]
        : [];
    case 'Activation requested':
    case 'Self extend requested':
    case 'Self renew requested':
      return a.requestId ? [{ id: `request.created:${a.requestId}`, type: 'request.created' }] : [];
    case 'Request approved':
      return a.requestId ? [{ id: `request.approved:${a.requestId}`, type: 'request.approved' }] : [];
    case 'Request denied':
      return a.requestId ? [{ id: `request.denied:${a.requestId}`, type: 'request.denied' }] : [];
    case 'Request canceled':
    case 'Request canceled by administrator':
      return a.requestId ? [{ id: `request.canceled:${a.requestId}`, type: 'request.canceled' }] : [];
    case 'Request timed out':
      return a.requestId ? [{ id: `request.timedout:${a.requestId}`, type: 'request.timedout' }] : [];
  }
  const m = ASSIGNMENT.exec(a.action);
  if (!m || !a.requestId) return [];
  const type: EventType =
    m[2] === 'added' || m[2] === 'renewed' ? 'assignment.created' : m[2] === 'removed' ? 'assignment.removed' : 'assignment.updated';
  const out: Array<{ id: string; type: EventType; reasons?: string[] }> = [{ id: `${type}:${a.requestId}`, type }];
  // an administrator removing an activation ends it, just as its owner deactivating it does
  if (type === 'assignment.removed' && m[1] === 'Active' && details.scheduleId) {
    const origin = tx.get<{ origin: string }>(sql`SELECT origin FROM assignment_schedules WHERE id = ${details.scheduleId}`)?.origin;
    if (origin === 'activated')
      out.push({ id: `activation.ended:${details.scheduleId}`, type: 'activation.ended', reasons: [`Removed by ${a.actorName}.`] });
  }
  return out;
}

/** Called by writeAudit inside the writing transaction. */
export function recordEventsForAudit(tx: DbOrTx, a: AuditContent): void {
  for (const e of mapAudit(tx, a)) recordEvent(tx, { id: e.id, type: e.type, at: a.at, subject: subjectOf(tx, a, e.reasons ?? []) });
}
