/**
 * npm run audit:verify — re-computes the audit log's hash chain and prints the first
 * broken link. Exit code 1 when the chain is broken, so it can run in monitoring.
 */
import { openDatabase } from '@/db/client';
import { readConfig } from '@/lib/config/read';
import { verifyAuditChain, describeBreak } from '@/lib/audit/verify';

const { sqlite, db } = openDatabase(readConfig(process.env).dbPath);
try {
  const { checked, firstBreak } = verifyAuditChain(db);
  if (firstBreak) {
    console.error(`Audit chain BROKEN after checking ${checked} events.\n${describeBreak(firstBreak)}`);
    process.exitCode = 1;
  } else {
    console.log(`Audit chain intact: ${checked} events verified.`);
  }
} finally {
  sqlite.close();
}
