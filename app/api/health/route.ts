import { getDb } from '@/lib/db';
import { databaseAnswers } from '@/lib/health';

export const dynamic = 'force-dynamic';

/** Liveness and readiness: the database answers. */
export function GET() {
  return databaseAnswers(getDb) ? Response.json({ status: 'ok' }) : Response.json({ status: 'unavailable' }, { status: 503 });
}
