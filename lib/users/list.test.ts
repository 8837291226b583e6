import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { freshDb } from '@/tests/support/db';
import { users } from '@/db/schema';
import { countUsers, listUsersPage, type UserListRow } from './list';
import { COUNT_CAP, decodeCursor, type Page, type Seek } from './paging';
import { addGroup, addUsers, recordReads } from './test-support';

let t: ReturnType<typeof freshDb>;
beforeEach(() => {
  t = freshDb();
});
afterEach(() => t.close());

const cmp = (a: string, b: string) => (a.toLowerCase() < b.toLowerCase() ? -1 : a.toLowerCase() > b.toLowerCase() ? 1 : 0);
const after = (p: Page<unknown>): Seek => ({ after: decodeCursor(p.next!, 'text') });
const before = (p: Page<unknown>): Seek => ({ before: decodeCursor(p.prev!, 'text') });
const allIds = () =>
  t.db
    .select({ id: users.id })
    .from(users)
    .all()
    .map((u) => u.id);

describe('users list paging', () => {
  it('shows every user exactly once across pages, in name order, while users are added between page reads', () => {
    // mixed case, shared names (ties broken by id) and names on both sides of every cursor
    addUsers(
      t,
      Array.from({ length: 180 }, (_, i) => `${['ann', 'Bob', 'CARL', 'dora'][i % 4]} ${String(i % 45).padStart(2, '0')}`),
    );
    const present = allIds();
    const seen: UserListRow[] = [];
    let page = listUsersPage(t.db, { size: 25 });
    let reads = 1;
    for (;;) {
      seen.push(...page.rows);
      // people keep arriving: before the cursor, after it, and with the very name at the cursor
      const last = page.rows[page.rows.length - 1];
      addUsers(t, ['aaron new', 'zed new', last.displayName, last.displayName.toUpperCase()]);
      if (!page.next) break;
      page = listUsersPage(t.db, { size: 25, seek: after(page) });
      reads++;
    }
    expect(reads).toBeGreaterThan(7);
    const ids = seen.map((u) => u.id);
    expect(new Set(ids).size).toBe(ids.length); // nobody twice
    for (const id of present) expect(ids).toContain(id); // nobody who was there is skipped
    for (let i = 1; i < seen.length; i++) {
      const c = cmp(seen[i - 1].displayName, seen[i].displayName);
      expect(c < 0 || (c === 0 && seen[i - 1].id < seen[i].id)).toBe(true);
    }
  });

  it('walks back with "Previous page" to the first page, again showing each user once', () => {
    addUsers(
      t,
      Array.from({ length: 120 }, (_, i) => `Person ${String(i).padStart(3, '0')}`),
    );
    let page = listUsersPage(t.db, { size: 20 });
    while (page.next) page = listUsersPage(t.db, { size: 20, seek: after(page) });
    const last = page;
    const back: string[] = [...last.rows.map((u) => u.id)];
    while (page.prev) {
      page = listUsersPage(t.db, { size: 20, seek: before(page) });
      back.unshift(...page.rows.map((u) => u.id));
    }
    expect(page.prev).toBeNull(); // the first page has no "Previous page"
    expect(new Set(back).size).toBe(back.length);
    expect(back.length).toBe(allIds().length);
  });

  it('a page link past the end or before the start shows the first page', () => {
    addUsers(t, ['Zz top']);
    const first = listUsersPage(t.db, { size: 3 });
    expect(listUsersPage(t.db, { size: 3, seek: { after: ['zzzz', 'x'] } }).rows.map((u) => u.id)).toEqual(first.rows.map((u) => u.id));
    expect(listUsersPage(t.db, { size: 3, seek: { before: ['a', 'x'] } }).rows.map((u) => u.id)).toEqual(first.rows.map((u) => u.id));
  });
});

describe('users list search', () => {
  it('matches name or e-mail case-insensitively, and a typed % or _ matches itself', () => {
    addUsers(t, ['Ada 100% Lovelace', 'ada_x', 'Adaqx', 'Adam 1000 Smith', 'Grace Hopper']);
    const names = (q: string) => listUsersPage(t.db, { q }).rows.map((u) => u.displayName);
    expect(names('ADA')).toEqual(['Ada 100% Lovelace', 'ada_x', 'Adam 1000 Smith', 'Adaqx']);
    expect(names('100%')).toEqual(['Ada 100% Lovelace']); // not "100" followed by anything
    expect(names('a_x')).toEqual(['ada_x']); // not "a", any character, "x"
    expect(names('%')).toEqual(['Ada 100% Lovelace']);
    expect(names('JEN@BLUEWIDGET')).toEqual(['Jen']); // by e-mail
    expect(names('nobody like this')).toEqual([]);
    expect(countUsers(t.db, 'ada')).toEqual({ n: 4, more: false });
  });

  it('pages through search results with the search kept', () => {
    addUsers(
      t,
      Array.from({ length: 60 }, (_, i) => `Match ${String(i).padStart(2, '0')}`),
    );
    addUsers(
      t,
      Array.from({ length: 60 }, (_, i) => `Other ${i}`),
    );
    const p1 = listUsersPage(t.db, { q: 'match', size: 50 });
    const p2 = listUsersPage(t.db, { q: 'match', size: 50, seek: after(p1) });
    expect(p1.rows).toHaveLength(50);
    expect(p2.rows).toHaveLength(10);
    expect(p2.next).toBeNull();
    expect([...p1.rows, ...p2.rows].every((u) => u.displayName.startsWith('Match'))).toBe(true);
  });
});

describe('users list at scale', () => {
  it('with thousands of users a page reads one page of rows from an index, and counts stop at the cap', () => {
    const ids = addUsers(
      t,
      Array.from({ length: 3000 }, (_, i) => `User ${String(i).padStart(4, '0')}`),
    );
    // someone in many groups still costs a few rows
    for (let g = 0; g < 30; g++) addGroup(t, `Team ${g}`, [ids[0], ids[2500]]);
    const deep = listUsersPage(t.db, { seek: { after: ['User 2499', 'zzzz'] } });
    for (const seek of [{}, { after: ['User 2499', 'zzzz'] as [string, string] }]) {
      const reads = recordReads(t.sqlite);
      const page = listUsersPage(t.db, { seek });
      reads.stop();
      expect(page.rows).toHaveLength(50);
      // one statement: 51 user rows, each with at most 4 of its groups
      expect(reads.statements).toHaveLength(1);
      expect(reads.total()).toBe(51);
      for (const plan of reads.plans()) expect(plan.join(' | ')).not.toMatch(/TEMP B-TREE|SCAN users(?! USING)/);
    }
    expect(deep.rows[0].displayName).toBe('User 2500');
    expect(deep.rows[0].groups).toHaveLength(3);
    expect(deep.rows[0].moreGroups).toBe(true);
    expect(countUsers(t.db)).toEqual({ n: COUNT_CAP, more: true });
  });
});
