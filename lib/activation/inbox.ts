import 'server-only';
import { and, count, desc, eq, inArray, isNull } from 'drizzle-orm';
import type { Db, DbOrTx } from '@/db/client';
import { notifications } from '@/db/schema';

export interface InboxItem {
  id: string;
  kind: string;
  title: string;
  body: string;
  link: string | null;
  createdAt: number;
  read: boolean;
}

/** The bell: the newest notifications of one user and how many are unread. Only ever the caller's own. */
export function inbox(db: DbOrTx, userId: string, limit = 20): { unread: number; items: InboxItem[] } {
  const unread =
    db
      .select({ n: count() })
      .from(notifications)
      .where(and(eq(notifications.userId, userId), isNull(notifications.readAt)))
      .get()?.n ?? 0;
  const items = db
    .select()
    .from(notifications)
    .where(eq(notifications.userId, userId))
    .orderBy(desc(notifications.createdAt))
    .limit(limit)
    .all()
    .map((n) => ({ id: n.id, kind: n.kind, title: n.title, body: n.body, link: n.link, createdAt: n.createdAt, read: n.readAt !== null }));
  return { unread, items };
}

/** Marks some (or all, when ids is omitted) of the user's notifications read. Other users' ids are ignored. */
export function markRead(db: Db, userId: string, ids: string[] | undefined, now: number): number {
  const where = ids?.length
    ? and(eq(notifications.userId, userId), isNull(notifications.readAt), inArray(notifications.id, ids))
    : and(eq(notifications.userId, userId), isNull(notifications.readAt));
  return db.update(notifications).set({ readAt: now }).where(where).run().changes;
}
