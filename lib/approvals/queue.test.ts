import crypto from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { freshDb } from '@/tests/support/db';
import * as s from '@/db/schema';
import { CONTRIBUTOR, OWNER, READER } from '@/db/builtin-roles';
import { canDecide, managementAccess, requestStatus } from '@/lib/policy';
import type { ApprovalSort } from './types';
import { policyIndex } from '@/lib/tenant/engine';
import { decodeCursor, type Seek } from '@/lib/portal/keyset';
import { adminPending, approvalQueue, decisionHistory, pendingApprovalCount, pendingApprovalRoles, sortShape } from './queries';
import { rg, SUB } from './test-support';

const MIN = 60_000;
let t: ReturnType<typeof freshDb>;
let group: string;
let seq = 0;
beforeEach(() => {
  t = freshDb();
  // a group with Avery in it, named as approver on some requests
  group = crypto.randomUUID();
  t.db
    .insert(s.groups)
    .values({ id: group, tenantId: '7f3c2a1e-4b5d-4e6f-8a9b-0c1d2e3f4a5b', name: 'Release approvers', createdAt: t.now })
    .run();
  t.db.insert(s.groupMembers).values({ groupId: group, userId: t.ids.avery, addedAt: t.now }).run();
});
afterEach(() => t.close());

interface Req {
  requester: string;
  principal?: string;
  scope?: string;
  role?: string;
  type?: s.RequestRow['requestType'];
  status?: s.RequestRow['status'];
  deadline?: number | null;
  approvers?: { type: 'User' | 'Group'; id: string }[];
  mfa?: boolean;
  justification?: string;
  createdAt?: number;
}

/** A request row as the services leave it; lists read rows, so the test writes them directly. */
function request(r: Req): string {
  const id = crypto.randomUUID();
  const createdAt = r.createdAt ?? t.now + seq++ * 1000;
  t.db
    .insert(s.requests)
    .values({
      id,
      kind: 'assignment',
      requestType: r.type ?? 'SelfActivate',
      status: r.status ?? 'PendingApproval',
      requesterId: r.requester,
      principalType: 'User',
      principalId: r.principal ?? r.requester,
      roleId: r.role ?? OWNER,
      scopeId: r.scope ?? rg('finance-prod'),
      justification: r.justification ?? `work item ${seq}`,
      startAt: createdAt,
      endAt: createdAt + 60 * MIN,
      durationMinutes: 60,
      mfaVerifiedAt: r.mfa === false ? null : createdAt,
      approvalRequired: true,
      approvalDeadline: r.deadline === undefined ? createdAt + 24 * 60 * MIN : r.deadline,
      createdAt,
    })
    .run();
  for (const a of r.approvers ?? [])
    t.db.insert(s.requestApprovers).values({ requestId: id, principalType: a.type, principalId: a.id }).run();
  return id;
}

/** The engine's answer, over every pending request it holds: what the approver may decide at `at`. */
function engineSays(userId: string, at: number): string[] {
  const index = policyIndex(t.db);
  return [...index.requests.values()]
    .filter((r) => requestStatus(r, at) === 'PendingApproval' && canDecide(index, userId, r, at).allowed)
    .map((r) => r.id)
    .sort();
}

function readQueue(
  userId: string,
  at: number,
  opts: { sort?: ApprovalSort; q?: string; roleId?: string; scopeId?: string; mfa?: 'verified' | 'not-verified' } = {},
  between: () => void = () => {},
) {
  const seen: string[] = [];
  let seek: Seek = {};
  for (let i = 0; i < 100; i++) {
    const page = approvalQueue(t.db, userId, at, { ...opts, seek });
    expect(page.items.length).toBeLessThanOrEqual(50);
    seen.push(...page.items.map((x) => x.id));
    if (!page.next) break;
    between();
    seek = { after: decodeCursor(page.next, sortShape(opts.sort))! };
  }
  return seen;
}

/** A mixed tenant of pending requests: some for Avery (named or through her group), some for PIM admins, some for nobody she may decide. */
function mixed() {
  const u = t.ids;
  for (let i = 0; i < 40; i++) request({ requester: u.jen, approvers: [{ type: 'User', id: u.avery }] });
  for (let i = 0; i < 30; i++)
    request({ requester: u.sam, approvers: [{ type: 'Group', id: group }], role: CONTRIBUTOR, scope: rg('finance-dev') });
  for (let i = 0; i < 25; i++) request({ requester: u.jen, approvers: [], scope: SUB });
  for (let i = 0; i < 10; i++) request({ requester: u.jen, approvers: [{ type: 'User', id: u.steve }] });
  // Avery's own, and one for her as principal: never hers to decide
  request({ requester: u.avery, approvers: [{ type: 'User', id: u.avery }] });
  request({ requester: u.steve, principal: u.avery, approvers: [{ type: 'User', id: u.avery }] });
  // timed out, decided, canceled
  request({ requester: u.jen, approvers: [{ type: 'User', id: u.avery }], deadline: t.now - MIN });
  request({ requester: u.jen, approvers: [{ type: 'User', id: u.avery }], status: 'Provisioned' });
  request({ requester: u.jen, approvers: [], status: 'Canceled' });
  // self extend with no approver: the scope's administrators decide
  request({ requester: u.sam, approvers: [], type: 'SelfExtend', role: READER, scope: rg('finance-dev') });
}

describe('the approvals queue', () => {
  it('shows only what each approver may decide, as the engine says, across pages', () => {
    mixed();
    const at = t.now + 5 * MIN;
    for (const who of ['avery', 'steve', 'sam', 'jen'] as const) {
      const queue = readQueue(t.ids[who], at);
      expect(new Set(queue).size).toBe(queue.length);
      expect([...queue].sort()).toEqual(engineSays(t.ids[who], at));
      expect(pendingApprovalCount(t.db, t.ids[who], at)).toBe(queue.length);
    }
    expect(readQueue(t.ids.avery, at)).toHaveLength(70);
    // Steve: the 25 with no approver named (PIM administrator), his 10, and the self extension he manages
    expect(readQueue(t.ids.steve, at)).toHaveLength(36);
    expect(readQueue(t.ids.sam, at)).toEqual([]);
    // a day later everything has timed out, with no sweep having run
    expect(readQueue(t.ids.avery, t.now + 3 * 24 * 60 * MIN)).toEqual([]);
  });

  it('pages in every offered order, each request exactly once, while requests arrive between page reads', () => {
    for (let i = 0; i < 130; i++)
      request({
        requester: i % 2 ? t.ids.jen : t.ids.sam,
        role: i % 3 ? OWNER : CONTRIBUTOR,
        approvers: [{ type: 'User', id: t.ids.avery }],
        deadline: t.now + (i % 7) * 60 * MIN + 24 * 60 * MIN,
      });
    const at = t.now + MIN;
    const before = engineSays(t.ids.avery, at);
    for (const sort of ['oldest', 'newest', 'deadline', 'requester', 'role'] as const) {
      const seen = readQueue(t.ids.avery, at, { sort }, () =>
        request({ requester: t.ids.jen, approvers: [{ type: 'User', id: t.ids.avery }] }),
      );
      expect(new Set(seen).size).toBe(seen.length);
      // every request that was there at the start shows once; new ones may join at the end of an order
      expect(seen.filter((id) => before.includes(id)).sort()).toEqual(before);
    }
    const newest = approvalQueue(t.db, t.ids.avery, at, { sort: 'newest' }).items;
    expect(newest[0].createdAt).toBeGreaterThanOrEqual(newest[1].createdAt);
    const byDeadline = approvalQueue(t.db, t.ids.avery, at, { sort: 'deadline' }).items.map((i) => i.approvalDeadline!);
    expect(byDeadline).toEqual([...byDeadline].sort((a, b) => a - b));
  });

  it('searches and filters in SQL, and offers the roles waiting', () => {
    request({ requester: t.ids.jen, approvers: [{ type: 'User', id: t.ids.avery }], justification: 'Patch 100% of the fleet' });
    request({
      requester: t.ids.sam,
      approvers: [{ type: 'User', id: t.ids.avery }],
      role: CONTRIBUTOR,
      scope: rg('finance-dev'),
      mfa: false,
      justification: 'Release 2.3',
    });
    request({ requester: t.ids.jen, approvers: [{ type: 'User', id: t.ids.avery }], scope: SUB, justification: 'Rotate keys' });
    const at = t.now + MIN;
    const q = (o: Parameters<typeof readQueue>[2]) => approvalQueue(t.db, t.ids.avery, at, o).items.map((i) => i.justification);
    expect(q({ q: 'finance' })).toEqual(['Patch 100% of the fleet', 'Release 2.3']);
    expect(q({ q: 'sam@bluewidget' })).toEqual(['Release 2.3']);
    expect(q({ q: 'contributor' })).toEqual(['Release 2.3']);
    // a typed % is a percent sign, not a wildcard
    expect(q({ q: '100%' })).toEqual(['Patch 100% of the fleet']);
    expect(q({ q: '%' })).toEqual(['Patch 100% of the fleet']);
    expect(q({ roleId: CONTRIBUTOR })).toEqual(['Release 2.3']);
    expect(q({ mfa: 'not-verified' })).toEqual(['Release 2.3']);
    expect(q({ mfa: 'verified' })).toEqual(['Patch 100% of the fleet', 'Rotate keys']);
    // at this scope or below
    expect(q({ scopeId: SUB })).toHaveLength(3);
    expect(q({ scopeId: rg('finance-dev') })).toEqual(['Release 2.3']);
    expect(pendingApprovalRoles(t.db, t.ids.avery, at).map((r) => r.name)).toEqual(['Contributor', 'Owner']);
  });
});

describe('admin pending and history', () => {
  it('an administrator sees pending requests in the subtrees they manage only, paged', () => {
    mixed();
    const at = t.now + MIN;
    // Sam becomes an active Owner of finance-dev: he manages that subtree, nothing else
    t.db
      .insert(s.assignmentSchedules)
      .values({
        id: crypto.randomUUID(),
        principalType: 'User',
        principalId: t.ids.sam,
        roleId: OWNER,
        scopeId: rg('finance-dev'),
        startAt: t.now - MIN,
        endAt: t.now + 60 * MIN,
        createdAt: t.now,
        updatedAt: t.now,
        origin: 'assigned',
      })
      .run();
    const index = policyIndex(t.db);
    const all = (userId: string) => {
      const ids: string[] = [];
      let seek: Seek = {};
      for (;;) {
        const page = adminPending(t.db, userId, at, { seek });
        ids.push(...page.items.map((i) => i.id));
        if (!page.next) return ids;
        seek = { after: decodeCursor(page.next, sortShape('deadline'))! };
      }
    };
    const expected = (userId: string) =>
      [...index.requests.values()]
        .filter((r) => requestStatus(r, at) === 'PendingApproval' && managementAccess(index, userId, r.scopeId, at).allowed)
        .map((r) => r.id)
        .sort();
    const sam = all(t.ids.sam);
    expect(sam).toHaveLength(31);
    expect([...sam].sort()).toEqual(expected(t.ids.sam));
    const steve = all(t.ids.steve);
    expect(new Set(steve).size).toBe(steve.length);
    expect([...steve].sort()).toEqual(expected(t.ids.steve));
    expect(all(t.ids.avery)).toEqual([]);
    // searched in SQL within what he manages
    expect(adminPending(t.db, t.ids.sam, at, { q: 'Sam' }).items).toHaveLength(31);
    expect(adminPending(t.db, t.ids.sam, at, { q: 'Jen' }).items).toHaveLength(0);
  });

  it("history pages through the approver's decisions, newest first, each once while decisions are added", () => {
    const decide = (i: number) => {
      const id = request({
        requester: t.ids.jen,
        approvers: [{ type: 'User', id: t.ids.avery }],
        status: i % 2 ? 'Provisioned' : 'Denied',
      });
      t.db
        .insert(s.approvalDecisions)
        .values({
          id: crypto.randomUUID(),
          requestId: id,
          approverId: t.ids.avery,
          decision: i % 2 ? 'Approve' : 'Deny',
          justification: `d${i}`,
          decidedAt: t.now + Math.floor(i / 2) * 1000,
        })
        .run();
    };
    for (let i = 0; i < 120; i++) decide(i);
    const seen: string[] = [];
    let seek: Seek = {};
    let extra = 1000;
    for (;;) {
      const h = decisionHistory(t.db, t.ids.avery, { seek, now: t.now });
      seen.push(...h.items.map((i) => i.decisionJustification!));
      if (!h.next) break;
      decide(extra++);
      seek = { after: decodeCursor(h.next, ['n', 's'])! };
    }
    expect(seen).toHaveLength(120);
    expect(new Set(seen).size).toBe(120);
    expect(seen.slice(0, 2).sort()).toEqual(['d118', 'd119']);
    expect(decisionHistory(t.db, t.ids.avery, { now: t.now }).total).toBe(122);
  });
});
