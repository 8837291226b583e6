import { sql } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { recordEvent, subjectOf } from './events';

/**
 * Activations that end by the clock make no audit event (nobody did anything), yet a
 * webhook receiver must hear `activation.ended` when they do. The journal keeps a
 * watermark: each pass records the activations whose planned end lies in (watermark, now]
 * and moves the watermark to now, in one transaction. A process that was down resumes
 * from the stored watermark, so ends during downtime are reported at the next start. Ends
 * already reported another way (deactivation, removal) share the event id and are skipped.
 */
const NAME = 'activation-ends';

/** Keep the scanned range short even when nothing ends for a while. */
const ADVANCE_IDLE_MS = 60_000;

export function recordActivationEnds(db: Db, now: number): number {
  // a read first: most passes find nothing, and those must not take the write lock
  const mark = db.get<{ at: number }>(sql`SELECT at FROM connector_watermarks WHERE name = ${NAME}`)?.at;
  if (mark !== undefined) {
    if (now <= mark) return 0;
    const due = db.get(
      sql`SELECT 1 AS x FROM assignment_schedules WHERE origin = 'activated' AND end_at > ${mark} AND end_at <= ${now} LIMIT 1`,
    );
    if (!due && now - mark < ADVANCE_IDLE_MS) return 0;
  }
  return db.transaction(
    (tx) => {
      const mark = tx.get<{ at: number }>(sql`SELECT at FROM connector_watermarks WHERE name = ${NAME}`)?.at;
      if (mark === undefined) {
        // first run on this database: history before it is not news
        tx.run(sql`INSERT INTO connector_watermarks (name, at) VALUES (${NAME}, ${now})`);
        return 0;
      }
      if (now <= mark) return 0;
      const ended = tx.all<{
        id: string;
        principalId: string;
        principalName: string | null;
        roleId: string;
        roleName: string | null;
        scopeId: string;
        startAt: number;
        endAt: number;
        requestId: string | null;
      }>(sql`
      SELECT s.id, s.principal_id AS principalId, u.display_name AS principalName, s.role_id AS roleId, r.name AS roleName,
             s.scope_id AS scopeId, s.start_at AS startAt, s.end_at AS endAt, s.request_id AS requestId
      FROM assignment_schedules s
      LEFT JOIN users u ON u.id = s.principal_id
      LEFT JOIN role_definitions r ON r.id = s.role_id
      WHERE s.origin = 'activated' AND s.end_at > ${mark} AND s.end_at <= ${now}
        AND (s.revoked_at IS NULL OR s.revoked_at >= s.end_at)`);
      let n = 0;
      for (const s of ended) {
        const subject = subjectOf(
          tx,
          {
            id: '',
            at: s.endAt,
            actorId: null,
            actorName: 'Elevate',
            action: 'Activation ended',
            outcome: 'Success',
            principalType: 'User',
            principalId: s.principalId,
            principalName: s.principalName,
            roleId: s.roleId,
            roleName: s.roleName,
            scopeId: s.scopeId,
            requestId: s.requestId,
            justification: null,
            details: JSON.stringify({ startAt: s.startAt, endAt: s.endAt, scheduleId: s.id }),
          },
          ['Reached the end of its window.'],
        );
        if (recordEvent(tx, { id: `activation.ended:${s.id}`, type: 'activation.ended', at: s.endAt, subject })) n++;
      }
      tx.run(sql`UPDATE connector_watermarks SET at = ${now} WHERE name = ${NAME}`);
      return n;
    },
    { behavior: 'immediate' },
  );
}
