/**
 * A second process on the same SQLite file, for engine.test.ts. It builds its own index,
 * says "ready", and then answers one JSON question per line on stdin with whether the
 * principal holds the role, and how many full builds and applied changes its index has
 * made. Run with `node --conditions=react-server --import tsx lib/tenant/engine.child.ts <file>`.
 */
import readline from 'node:readline';
import { openDatabase } from '@/db/client';
import { hasRole } from '@/lib/policy';
import { indexStats, policyIndex } from './engine';

const { db, sqlite } = openDatabase(process.argv[2]);
policyIndex(db);
process.stdout.write('ready\n');
const rl = readline.createInterface({ input: process.stdin });
rl.on('line', (line) => {
  const q = JSON.parse(line) as { userId: string; roleId: string; scopeId: string; at: number; write?: { sql: string } };
  if (q.write) sqlite.exec(q.write.sql);
  const t0 = performance.now();
  const holds = hasRole(policyIndex(db), { type: 'User', id: q.userId }, q.roleId, q.scopeId, q.at);
  const ms = performance.now() - t0;
  process.stdout.write(JSON.stringify({ holds, ms, builds: indexStats.builds, applied: indexStats.applied }) + '\n');
});
rl.on('close', () => process.exit(0));
