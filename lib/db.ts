import 'server-only';

/**
 * The process's one connection, for pages, server actions and route handlers to hand to
 * services (docs/decisions/130-lint-format-boundaries.md). Services take the connection as
 * a parameter so tests and transactions pass their own; the UI layer gets it here and may
 * not import db/ (schema, queries, seed) or drizzle itself — ESLint fails the build if it does.
 */
export { getDb } from '@/db';
export type { Db, DbOrTx, Tx } from '@/db';
/** Row shapes the UI renders (types only: nothing of storage reaches the browser). */
export type { AuditEvent, User } from '@/db/schema';
