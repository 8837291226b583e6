import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { freshDb } from '@/tests/support/db';
import { users } from '@/db/schema';
import { decodeCursor, type Page } from '@/lib/users/paging';
import { addGroup, addUsers, recordReads } from '@/lib/users/test-support';
import { countGroups, getGroupSummary, listGroupsPage, listMembersPage, setMembership, MEMBER_COUNT_CAP } from '.';

let t: ReturnType<typeof freshDb>;
beforeEach(() => {
  t = freshDb();
});
afterEach(() => t.close());
const steve = () => t.db.select().from(users).where(eq(users.id, t.ids.steve)).get()!;

describe('groups list', () => {
  it('pages groups in name order, each once, while groups are created between page reads; search escapes wildcards', () => {
    for (let i = 0; i < 70; i++) addGroup(t, `${i % 2 ? 'team' : 'Team'} ${String(i).padStart(2, '0')}`);
    addGroup(t, 'Ops 100%');
    addGroup(t, 'Ops_x');
    addGroup(t, 'Opsqx');
    const seen: string[] = [];
    let page = listGroupsPage(t.db, { size: 20 });
    for (;;) {
      seen.push(...page.rows.map((g) => g.name));
      addGroup(t, `Aardvarks ${seen.length}`); // before every cursor: shown on no later page, never twice
      if (!page.next) break;
      page = listGroupsPage(t.db, { size: 20, seek: { after: decodeCursor(page.next, 'text') } });
    }
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.filter((n) => /^team/i.test(n))).toHaveLength(70);
    const names = (q: string) => listGroupsPage(t.db, { q }).rows.map((g) => g.name);
    expect(names('OPS')).toEqual(['Ops 100%', 'Ops_x', 'Opsqx']);
    expect(names('s_x')).toEqual(['Ops_x']);
    expect(names('0%')).toEqual(['Ops 100%']);
    expect(countGroups(t.db, 'team 1')).toEqual({ n: 10, more: false });
  });

  it('member counts stop at a cap, so a huge group costs what a small one does', () => {
    const ids = addUsers(
      t,
      Array.from({ length: 150 }, (_, i) => `Member ${i}`),
    );
    addGroup(t, 'Everyone', ids);
    addGroup(t, 'Few', ids.slice(0, 2));
    const rows = listGroupsPage(t.db).rows;
    expect(rows.find((g) => g.name === 'Everyone')!.members).toEqual({ n: MEMBER_COUNT_CAP, more: true });
    expect(rows.find((g) => g.name === 'Few')!.members).toEqual({ n: 2, more: false });
  });
});

describe('members of a group', () => {
  it('pages members newest first, each once, while members are added between page reads; searches by name or e-mail', () => {
    const ids = addUsers(
      t,
      Array.from({ length: 130 }, (_, i) => `Member ${String(i).padStart(3, '0')}`),
    );
    const g = addGroup(t, 'Finance', ids.slice(0, 100));
    const seen: string[] = [];
    let page: Page<{ id: string }> = listMembersPage(t.db, g, { size: 30 });
    let n = 100;
    for (;;) {
      seen.push(...page.rows.map((m) => m.id));
      // a new member arrives (newest, so on the first page only)
      setMembership(t.db, steve(), { groupId: g, userId: ids[n++], member: true }, t.now + 10_000 + n);
      if (!page.next) break;
      page = listMembersPage(t.db, g, { size: 30, seek: { after: decodeCursor(page.next, 'number') } });
    }
    expect(new Set(seen).size).toBe(seen.length);
    for (const id of ids.slice(0, 100)) expect(seen).toContain(id);
    const first = listMembersPage(t.db, g, { size: 5 }).rows;
    expect(first[0].id).toBe(ids[n - 1]); // most recently added first
    expect(
      listMembersPage(t.db, g, { q: 'MEMBER 05' })
        .rows.map((m) => m.displayName)
        .sort(),
    ).toEqual(Array.from({ length: 10 }, (_, i) => `Member 05${i}`));
    expect(listMembersPage(t.db, g, { q: 'nobody' }).rows).toEqual([]);
    expect(getGroupSummary(t.db, g)?.members).toEqual({ n: n, more: false });
    expect(getGroupSummary(t.db, 'no-such-group')).toBeNull();
  });

  it('a page of a group with thousands of members reads one page of rows from the membership index', () => {
    const ids = addUsers(
      t,
      Array.from({ length: 3000 }, (_, i) => `Person ${i}`),
    );
    const g = addGroup(t, 'All staff', ids);
    for (const seek of [{}, { after: [t.now + 1500, 'z'] as [number, string] }]) {
      const reads = recordReads(t.sqlite);
      const page = listMembersPage(t.db, g, { seek });
      reads.stop();
      expect(page.rows).toHaveLength(50);
      expect(reads.total()).toBe(51);
      for (const plan of reads.plans()) expect(plan.join(' | ')).toMatch(/group_members_by_added/);
      for (const plan of reads.plans()) expect(plan.join(' | ')).not.toMatch(/TEMP B-TREE/);
    }
  });
});
