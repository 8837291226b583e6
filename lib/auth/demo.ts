import 'server-only';
import { eq } from 'drizzle-orm';
import { getDb } from '@/db';
import { users } from '@/db/schema';

/** The portal shows a "demo data" banner while demo accounts (with a published password) exist. */
export function demoUsersExist(): boolean {
  return !!getDb().select({ id: users.id }).from(users).where(eq(users.isDemo, true)).limit(1).get();
}
