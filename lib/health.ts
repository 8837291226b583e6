import 'server-only';
import { sql } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';

/** Readiness: the database answers a query. */
export function databaseAnswers(db: () => DbOrTx): boolean {
  try {
    db().get(sql`SELECT 1`);
    return true;
  } catch {
    return false;
  }
}
