import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { freshDb } from '@/tests/support/db';
import { openDatabase, type Db } from '@/db/client';
import * as s from '@/db/schema';
import { isElevateError } from '@/lib/errors';
import { deliveryIdle } from '@/lib/notify/deliver';
import { decide } from './index';
import { rg, submitActivation, userRow } from './test-support';

let cleanup: (() => void)[] = [];
afterEach(async () => {
  await deliveryIdle();
  for (const c of cleanup) c();
  cleanup = [];
});

/**
 * 50 approve and deny calls race for one request, alternating between two SQLite
 * connections to the same file (as two server processes would). Exactly one decision
 * may be recorded; everybody else must get the clear "already decided" answer.
 */
describe('concurrent decisions', () => {
  it.each([
    ['approve first', 0],
    ['deny first', 1],
  ] as const)('50 calls settle the request exactly once (%s)', async (_label, offset) => {
    const env = freshDb();
    const second = openDatabase(env.file);
    cleanup.push(() => second.sqlite.close(), env.close);
    const { db, ids, now } = env;
    const req = submitActivation(db, ids.jen, rg('finance-prod'), now);
    const avery = userRow(db, ids.avery);
    const steve = userRow(db, ids.steve);
    // Steve is not an approver of this request; add him as one so two people contend too
    db.insert(s.requestApprovers).values({ requestId: req.id, principalType: 'User', principalId: ids.steve }).run();

    const connections: Db[] = [db, second.db];
    const calls = Array.from({ length: 50 }, (_, i) => async () => {
      await new Promise((r) => setImmediate(r));
      const decision = (i + offset) % 2 === 0 ? 'Approve' : 'Deny';
      try {
        // Owner requires MFA to approve: each approver holds a fresh MFA moment (as a step-up token gives it)
        const r = decide(
          connections[i % 2],
          i % 3 === 0 ? steve : avery,
          { requestId: req.id, decision, justification: `call ${i}` },
          now + 60_000 + i,
          { mfaVerifiedAt: now },
        );
        return { ok: true as const, decision: r.decision.decision };
      } catch (e) {
        if (isElevateError(e)) return { ok: false as const, code: e.code, message: e.message };
        throw e;
      }
    });
    const results = await Promise.all(calls.map((c) => c()));

    const wins = results.filter((r) => r.ok);
    expect(wins).toHaveLength(1);
    const losers = results.filter((r) => !r.ok);
    expect(losers).toHaveLength(49);
    for (const l of losers) {
      expect(l).toMatchObject({
        code: 'AlreadyDecided',
        message: expect.stringMatching(/^Already (approved|denied) by (Avery|Steve Admin) at \d+ Nov 2026 \d\d:\d\d UTC$/),
      });
    }
    const decisions = second.db.select().from(s.approvalDecisions).where(eq(s.approvalDecisions.requestId, req.id)).all();
    expect(decisions).toHaveLength(1);
    const active = db
      .select()
      .from(s.assignmentSchedules)
      .where(and(eq(s.assignmentSchedules.principalId, ids.jen), eq(s.assignmentSchedules.scopeId, rg('finance-prod'))))
      .all();
    const final = db.select().from(s.requests).where(eq(s.requests.id, req.id)).get()!;
    if (decisions[0].decision === 'Approve') {
      expect(final.status).toBe('Provisioned');
      expect(active).toHaveLength(1);
    } else {
      expect(final.status).toBe('Denied');
      expect(active).toHaveLength(0);
    }
    expect(wins[0].decision).toBe(offset === 0 ? 'Approve' : 'Deny');
  });

  it('four server processes racing on one SQLite file record exactly one decision', async () => {
    const env = freshDb();
    cleanup.push(env.close);
    const { db, ids, now } = env;
    const req = submitActivation(db, ids.jen, rg('finance-prod'), now);
    db.insert(s.requestApprovers).values({ requestId: req.id, principalType: 'User', principalId: ids.steve }).run();
    const goAt = Date.now() + 8_000; // tsx start-up of four processes on a small machine
    const script = path.join(process.cwd(), 'lib/approvals/contend.child.ts');
    const run = (calls: number[]) =>
      new Promise<{ i: number; ok: boolean; code?: string; message?: string; decision?: string }[]>((resolve, reject) => {
        const arg = JSON.stringify({
          file: env.file,
          requestId: req.id,
          approverIds: [ids.avery, ids.steve],
          calls,
          goAt,
          now: now + 60_000,
        });
        const child = spawn(process.execPath, ['--conditions=react-server', '--import', 'tsx', script, arg], {
          cwd: process.cwd(),
          env: process.env,
        });
        let out = '';
        let err = '';
        child.stdout.on('data', (d) => (out += d));
        child.stderr.on('data', (d) => (err += d));
        child.on('exit', (code) =>
          code === 0 ? resolve(JSON.parse(out.trim().split('\n').pop()!)) : reject(new Error(`child exited ${code}: ${err}`)),
        );
      });
    const shares = [0, 1, 2, 3].map((p) => Array.from({ length: 50 }, (_, i) => i).filter((i) => i % 4 === p));
    const results = (await Promise.all(shares.map(run))).flat();
    expect(results).toHaveLength(50);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    for (const r of results.filter((x) => !x.ok)) {
      expect(r).toMatchObject({
        code: 'AlreadyDecided',
        message: expect.stringMatching(/^Already (approved|denied) by (Avery|Steve Admin) at /),
      });
    }
    expect(db.select().from(s.approvalDecisions).where(eq(s.approvalDecisions.requestId, req.id)).all()).toHaveLength(1);
    const active = db
      .select()
      .from(s.assignmentSchedules)
      .where(and(eq(s.assignmentSchedules.principalId, ids.jen), eq(s.assignmentSchedules.scopeId, rg('finance-prod'))))
      .all();
    expect(active).toHaveLength(results.find((r) => r.ok)!.decision === 'Approve' ? 1 : 0);
  }, 60_000);
});
