import crypto from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { freshDb } from '@/tests/support/db';
import * as s from '@/db/schema';
import { CONTRIBUTOR, OWNER, READER } from '@/db/builtin-roles';
import { decodeCursor, type Seek } from '@/lib/portal/keyset';
import { myRequests, MY_REQUESTS_KEY_SHAPE, type MyRequestsFilters } from './requests-query';
import { myRoles, EXPIRED_KEY_SHAPE } from './my-roles';
import { HOUR, MIN, RG, SUB } from './test-support';

const DAY = 24 * HOUR;
let t: ReturnType<typeof freshDb>;
let n = 0;
beforeEach(() => {
  t = freshDb();
});
afterEach(() => t.close());

interface Req {
  requester?: string;
  type?: s.RequestRow['requestType'];
  status?: s.RequestRow['status'];
  deadline?: number | null;
  role?: string;
  scope?: string;
  justification?: string;
  ticket?: string;
  createdAt?: number;
}

/** A request row as the services leave it (the lists read rows; the services are tested elsewhere). */
function request(r: Req = {}): string {
  const id = crypto.randomUUID();
  const createdAt = r.createdAt ?? t.now + Math.floor(n++ / 2) * 1000; // pairs share a millisecond: ties broken by id
  t.db
    .insert(s.requests)
    .values({
      id,
      kind: 'assignment',
      requestType: r.type ?? 'SelfActivate',
      status: r.status ?? 'Provisioned',
      requesterId: r.requester ?? t.ids.jen,
      principalType: 'User',
      principalId: r.requester ?? t.ids.jen,
      roleId: r.role ?? OWNER,
      scopeId: r.scope ?? RG('finance-test'),
      justification: r.justification ?? `request ${n}`,
      ticketNumber: r.ticket ?? null,
      startAt: createdAt,
      endAt: createdAt + HOUR,
      durationMinutes: 60,
      approvalRequired: r.status === 'PendingApproval',
      approvalDeadline: r.deadline === undefined ? null : r.deadline,
      createdAt,
    })
    .run();
  return id;
}

function readAll(userId: string, at: number, f: Omit<MyRequestsFilters, 'seek'> = {}, between: () => void = () => {}) {
  const seen: string[] = [];
  let seek: Seek = {};
  for (let i = 0; i < 100; i++) {
    const page = myRequests(t.db, userId, at, { ...f, seek });
    seen.push(...page.items.map((r) => r.id));
    if (!page.next) break;
    between();
    seek = { after: decodeCursor(page.next, MY_REQUESTS_KEY_SHAPE)! };
  }
  return seen;
}

describe('My requests', () => {
  it('pages newest first, each request exactly once, while new requests arrive between page reads', () => {
    const ids = Array.from({ length: 75 }, () => request());
    const seen = readAll(t.ids.jen, t.now + DAY, {}, () => request());
    // newest first, a shared millisecond ordered by id, as the rows say
    const rows = t.db
      .select({ id: s.requests.id, createdAt: s.requests.createdAt })
      .from(s.requests)
      .all()
      .filter((r) => ids.includes(r.id));
    const order = rows.sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : -1)).map((r) => r.id);
    expect(seen).toEqual(order);
    expect(new Set(seen).size).toBe(75);
    expect(myRequests(t.db, t.ids.jen, t.now + DAY).items).toHaveLength(20);
    // Previous page goes back to exactly the page before
    const p1 = myRequests(t.db, t.ids.jen, t.now + DAY);
    const p2 = myRequests(t.db, t.ids.jen, t.now + DAY, { seek: { after: decodeCursor(p1.next, MY_REQUESTS_KEY_SHAPE)! } });
    const back = myRequests(t.db, t.ids.jen, t.now + DAY, { seek: { before: decodeCursor(p2.prev, MY_REQUESTS_KEY_SHAPE)! } });
    expect(back.items.map((r) => r.id)).toEqual(p1.items.map((r) => r.id));
  });

  it("shows only the requester's own self-service requests", () => {
    request({ requester: t.ids.sam });
    request({ requester: t.ids.steve, type: 'AdminAssign' });
    const mine = request();
    expect(readAll(t.ids.jen, t.now)).toEqual([mine]);
  });

  it('filters by status in SQL with the status derived from time, and by type', () => {
    const live = request({ status: 'PendingApproval', deadline: t.now + DAY });
    const expiring = request({ status: 'PendingApproval', deadline: t.now + 2 * HOUR });
    const stored = request({ status: 'TimedOut' });
    const denied = request({ status: 'Denied' });
    const canceled = request({ status: 'Canceled' });
    const extend = request({ type: 'SelfExtend' });
    const at = t.now + 3 * HOUR;
    const ids = (f: Omit<MyRequestsFilters, 'seek'>) => readAll(t.ids.jen, at, f).sort();
    // three hours on, one pending request has passed its deadline: it reads TimedOut, no job ran
    expect(ids({ status: 'pending' })).toEqual([live]);
    expect(ids({ status: 'timed-out' })).toEqual([expiring, stored].sort());
    expect(myRequests(t.db, t.ids.jen, at, { status: 'timed-out' }).items.every((r) => r.status === 'TimedOut')).toBe(true);
    expect(ids({ status: 'past' })).toEqual([expiring, stored, denied, canceled, extend].sort());
    expect(ids({ status: 'denied' })).toEqual([denied]);
    expect(ids({ status: 'canceled' })).toEqual([canceled]);
    expect(ids({ type: 'SelfExtend' })).toEqual([extend]);
    expect(ids({ type: 'SelfExtend', status: 'pending' })).toEqual([]);
    const page = myRequests(t.db, t.ids.jen, at);
    expect(page).toMatchObject({ total: 6, more: false, pendingCount: 1 });
    // before the deadline both were pending
    expect(ids({ status: 'pending' }).length).toBe(1);
    expect(readAll(t.ids.jen, t.now + MIN, { status: 'pending' }).sort()).toEqual([live, expiring].sort());
  });

  it('searches role, scope, justification and ticket in SQL, a typed % matching itself', () => {
    const prod = request({ scope: RG('finance-prod'), justification: 'Incident 4711' });
    const contributor = request({ role: CONTRIBUTOR, scope: RG('finance-dev'), justification: 'Release' });
    const ticket = request({ scope: SUB, justification: 'Quarter close', ticket: 'CHG-42' });
    const percent = request({ role: READER, justification: 'Raise quota by 10%' });
    const q = (text: string) => readAll(t.ids.jen, t.now, { q: text }).sort();
    expect(q('finance-prod')).toEqual([prod]);
    expect(q('CONTRIBUTOR')).toEqual([contributor]);
    expect(q('incident')).toEqual([prod]);
    expect(q('chg-42')).toEqual([ticket]);
    expect(q('Blue Widget')).toEqual([ticket]);
    expect(q('10%')).toEqual([percent]);
    expect(q('%')).toEqual([percent]);
    expect(q('nothing of the kind')).toEqual([]);
  });
});

describe('My roles, Expired tab', () => {
  /** An ended schedule of Jen's, `endedDaysAgo` before `at`. */
  function ended(
    table: 'eligible' | 'active',
    at: number,
    endedDaysAgo: number,
    opts: { revoked?: boolean; principal?: string; principalType?: 'User' | 'Group' } = {},
  ) {
    const id = crypto.randomUUID();
    const end = at - endedDaysAgo * DAY;
    const base = {
      id,
      principalType: opts.principalType ?? ('User' as const),
      principalId: opts.principal ?? t.ids.jen,
      roleId: READER,
      scopeId: RG('finance-dev'),
      startAt: end - 10 * DAY,
      endAt: opts.revoked ? end + 5 * DAY : end,
      revokedAt: opts.revoked ? end : null,
      createdAt: end - 10 * DAY,
      updatedAt: end,
    };
    if (table === 'eligible') t.db.insert(s.eligibilitySchedules).values(base).run();
    else
      t.db
        .insert(s.assignmentSchedules)
        .values({ ...base, origin: 'assigned' })
        .run();
    return id;
  }

  it('pages what ended in the last 30 days from SQL, newest end first, each once while more end between reads', () => {
    const at = t.now + 2 * DAY;
    const expected: string[] = [];
    for (let i = 0; i < 60; i++) expected.push(ended(i % 2 ? 'eligible' : 'active', at, (i % 29) + (i % 3) / 10, { revoked: i % 5 === 0 }));
    // too old, a group's, and one still running: not on the tab
    ended('active', at, 31);
    ended('eligible', at, 3, { principalType: 'Group', principal: crypto.randomUUID() });
    ended('active', at, -3);
    const seen: string[] = [];
    let seek: Seek = {};
    const ends: number[] = [];
    for (let i = 0; i < 20; i++) {
      const data = myRoles(t.db, { id: t.ids.jen }, at, { expired: seek });
      expect(data.expired.length).toBeLessThanOrEqual(25);
      seen.push(...data.expired.map((r) => r.scheduleId));
      ends.push(...data.expired.map((r) => r.endedAt));
      if (i === 0) expect(data.expiredPage).toMatchObject({ count: 60, more: false });
      if (!data.expiredPage.next) break;
      // something else ended just now: it belongs on the first page, not on later ones
      ended('active', at, 0.001);
      seek = { after: decodeCursor(data.expiredPage.next, EXPIRED_KEY_SHAPE)! };
    }
    expect(seen).toHaveLength(60);
    expect([...seen].sort()).toEqual([...expected].sort());
    expect(ends).toEqual([...ends].sort((a, b) => b - a));
    const statuses = myRoles(t.db, { id: t.ids.jen }, at).expired.map((r) => r.status);
    expect(statuses).toContain('Revoked');
    expect(statuses).toContain('Expired');
  });
});
