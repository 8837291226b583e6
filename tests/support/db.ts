import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
import { sql } from 'drizzle-orm';
import { openDatabase, type Db } from '@/db/client';
import { seedDemoTenant, DEMO_USERS } from '@/db/seed/demo';
import { users } from '@/db/schema';

export const TEST_KEY = crypto.createHash('sha256').update('elevate-test-key').digest();

/**
 * A real SQLite file in a temp directory, migrated and seeded with the Blue Widget Co
 * demo tenant at `now`. Each call is its own database, so tests run in parallel.
 */
export function freshDb(now = Date.UTC(2026, 10, 27, 9, 0, 0)) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'elevate-test-'));
  const file = path.join(dir, 'elevate.db');
  const { db, sqlite } = openDatabase(file);
  seedDemoTenant(db, now, TEST_KEY);
  const byEmail = (email: string) =>
    db
      .select()
      .from(users)
      .where(sql`lower(${users.email}) = ${email}`)
      .get()!;
  const ids = {
    steve: byEmail(DEMO_USERS.steve.email).id,
    jen: byEmail(DEMO_USERS.jen.email).id,
    avery: byEmail(DEMO_USERS.avery.email).id,
    sam: byEmail(DEMO_USERS.sam.email).id,
  };
  return { db: db as Db, sqlite, file, dir, ids, now, close: () => sqlite.close() };
}
