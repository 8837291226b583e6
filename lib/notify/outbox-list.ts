import 'server-only';
import { and, asc, desc, eq, sql } from 'drizzle-orm';
import type { DbOrTx } from '@/db';
import { emailOutbox, type EmailOutboxRow } from '@/db/schema';
import { keysetPage, type Seek } from '@/lib/portal/keyset';

export const OUTBOX_STATUSES = ['queued', 'outbox', 'sent', 'failed'] as const;
export type OutboxStatus = (typeof OUTBOX_STATUSES)[number];
/** A mail's place in the outbox, newest first: (created at, id). */
export const OUTBOX_KEY_SHAPE = ['n', 's'] as const;

/**
 * One page of the outbox, newest first on (created_at, id) — or (status, created_at, id)
 * when filtered, so a page reads its own rows and nothing more.
 */
export function outboxPage(db: DbOrTx, status: OutboxStatus | undefined, seek: Seek, size: number) {
  return keysetPage(
    seek,
    size,
    (dir, from, limit) => {
      const forward = dir === 'forward';
      const past = from
        ? sql`(${emailOutbox.createdAt}, ${emailOutbox.id}) ${sql.raw(forward ? '<' : '>')} (${from[0]}, ${from[1]})`
        : undefined;
      const order = forward ? [desc(emailOutbox.createdAt), desc(emailOutbox.id)] : [asc(emailOutbox.createdAt), asc(emailOutbox.id)];
      return db
        .select()
        .from(emailOutbox)
        .where(and(status ? eq(emailOutbox.status, status) : undefined, past))
        .orderBy(...order)
        .limit(limit)
        .all();
    },
    (m: EmailOutboxRow) => [m.createdAt, m.id],
  );
}
