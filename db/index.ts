import 'server-only';
import { config } from '@/lib/config';
import { openDatabase, type Db } from './client';
import { seedDemoTenant, ensureTenant } from './seed/demo';
import { getEncryptionKey } from '@/lib/crypto/secrets';

export type { Db, Tx, DbOrTx } from './client';

type Holder = { db?: Db };
// Cached on globalThis so dev-mode module reloads reuse one connection.
const holder = ((globalThis as unknown as { __elevateDb?: Holder }).__elevateDb ??= {});

/**
 * The database, opened lazily on first use (never at import, so `next build` creates
 * nothing). First use also applies migrations and, on an empty database, seeds the demo
 * tenant unless ELEVATE_DEMO=0.
 */
export function getDb(): Db {
  if (!holder.db) {
    const cfg = config();
    const { db } = openDatabase(cfg.dbPath);
    if (cfg.demo) seedDemoTenant(db, Date.now(), getEncryptionKey());
    else ensureTenant(db, Date.now(), cfg.adminEmail);
    holder.db = db;
  }
  return holder.db;
}
