import 'server-only';
import { eq } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { resources } from '@/db/schema';

/** A resource's ARM id as it was given (original casing), for display and copy; undefined when there is no such resource. */
export function armIdOf(db: DbOrTx, resourceId: string): string | undefined {
  return db.select({ armId: resources.armId }).from(resources).where(eq(resources.id, resourceId)).get()?.armId ?? undefined;
}
