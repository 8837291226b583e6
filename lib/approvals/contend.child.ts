/**
 * Child process for the cross-process contention test (concurrency.test.ts): opens the
 * same SQLite file as its siblings, waits for a shared start instant, then fires its share
 * of approve/deny calls and prints one JSON line per call. Run with
 * `node --conditions=react-server --import tsx lib/approvals/contend.child.ts <json>`.
 */
import { eq } from 'drizzle-orm';
import { openDatabase } from '@/db/client';
import { users } from '@/db/schema';
import { isElevateError } from '@/lib/errors';
import { decide } from './decide';

const args = JSON.parse(process.argv[2]) as {
  file: string;
  requestId: string;
  approverIds: string[];
  calls: number[];
  goAt: number;
  now: number;
};
const { db, sqlite } = openDatabase(args.file);
const approvers = args.approverIds.map((id) => db.select().from(users).where(eq(users.id, id)).get()!);

async function main() {
  await new Promise((r) => setTimeout(r, Math.max(0, args.goAt - Date.now())));
  const out: unknown[] = [];
  for (const i of args.calls) {
    const decision = i % 2 === 0 ? 'Approve' : 'Deny';
    try {
      const r = decide(
        db,
        approvers[i % approvers.length],
        { requestId: args.requestId, decision, justification: `process call ${i}` },
        args.now + i,
        { publicUrl: 'http://localhost', mfaVerifiedAt: args.now },
      );
      out.push({ i, ok: true, decision: r.decision.decision, pid: process.pid });
    } catch (e) {
      out.push(
        isElevateError(e) ? { i, ok: false, code: e.code, message: e.message } : { i, ok: false, code: 'Crash', message: String(e) },
      );
    }
  }
  process.stdout.write(JSON.stringify(out) + '\n');
  sqlite.close();
  // pending fire-and-forget mail delivery is irrelevant here
  process.exit(0);
}
void main();
