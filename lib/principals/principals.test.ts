import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { freshDb } from '@/tests/support/db';
import { DEMO_SUBSCRIPTION } from '@/db/seed/demo';
import { users } from '@/db/schema';
import { ROLE_IDS } from '@/lib/policy';
import { isElevateError } from '@/lib/errors';
import { deliveryIdle } from '@/lib/notify/deliver';
import { submitAdminRequest } from '@/lib/assignments';
import { addGroup, addUsers, recordReads } from '@/lib/users/test-support';
import { PICKER_LIMIT, principalLabels, searchPrincipals } from '.';

const DAY = 86_400_000;
const sub = DEMO_SUBSCRIPTION.toLowerCase();
const financeDev = `${sub}/resourcegroups/finance-dev`;
const financeProd = `${sub}/resourcegroups/finance-prod`;

let t: ReturnType<typeof freshDb>;
beforeEach(() => {
  t = freshDb();
});
afterEach(async () => {
  await deliveryIdle();
  t.close();
});
const user = (id: string) => t.db.select().from(users).where(eq(users.id, id)).get()!;
const search = (actor: string, q: string, more: Partial<Parameters<typeof searchPrincipals>[2]> = {}) =>
  searchPrincipals(t.db, actor, { q, ...more }, t.now);
const refused = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    return isElevateError(e) ? e.code : String(e);
  }
  return 'allowed';
};

describe('principal picker search', () => {
  it('returns at most 20 matches from thousands, names that start with the text first, reading a few dozen rows', () => {
    addUsers(
      t,
      Array.from({ length: 3000 }, (_, i) => `Person ${String(i).padStart(4, '0')}`),
    );
    addUsers(t, ['Zed Personal']); // contains "person", does not start with it
    addGroup(t, 'Personnel office');
    search(t.ids.steve, 'warm'); // the engine's index (authorization) catches up once; the search itself is what is measured
    const reads = recordReads(t.sqlite);
    const found = search(t.ids.steve, 'PERSON');
    reads.stop();
    expect(found).toHaveLength(PICKER_LIMIT);
    expect(found[0].label).toBe('Person 0000');
    expect(found.every((o) => /^person/i.test(o.label))).toBe(true);
    expect(reads.total()).toBeLessThanOrEqual(3 * PICKER_LIMIT + 5);
    // a name that only contains the text comes once the names that start with it run out
    expect(search(t.ids.steve, 'ersonal').map((o) => o.label)).toEqual(['Zed Personal']);
    expect(search(t.ids.steve, 'personn').map((o) => [o.label, o.value.split(':')[0], o.detail])).toEqual([
      ['Personnel office', 'Group', '0 members'],
    ]);
  });

  it('finds users by e-mail and name case-insensitively, escapes % and _, and leaves out disabled users', () => {
    addUsers(t, ['Ada 100% Lovelace', 'ada_x', 'Adaqx']);
    addUsers(t, ['Ada Disabled'], { disabled: true });
    const labels = (q: string, kind?: 'user' | 'group') => search(t.ids.steve, q, { kind }).map((o) => o.label);
    expect(labels('ada')).toEqual(['Ada 100% Lovelace', 'ada_x', 'Adaqx']);
    expect(labels('a_x')).toEqual(['ada_x']);
    expect(labels('0%')).toEqual(['Ada 100% Lovelace']);
    expect(labels('JEN@blue')).toEqual(['Jen']);
    expect(search(t.ids.steve, 'jen')[0]).toEqual({ value: `User:${t.ids.jen}`, label: 'Jen', detail: 'jen@bluewidget.test' });
    expect(labels('ada', 'group')).toEqual([]);
    // empty text: the first few by name, still capped
    expect(search(t.ids.steve, '').length).toBeLessThanOrEqual(PICKER_LIMIT);
  });

  it("the add-member picker leaves out the group's members", () => {
    const [a, b] = addUsers(t, ['Member A', 'Member B']);
    const g = addGroup(t, 'Team', [a]);
    expect(search(t.ids.steve, 'member', { notInGroup: g }).map((o) => o.value)).toEqual([`User:${b}`]);
  });

  it("answers only a caller who may manage the picker's scope, or a PIM administrator", () => {
    // Jen holds no active management role anywhere
    expect(refused(() => search(t.ids.jen, 'a'))).toBe('AuthorizationFailed');
    expect(refused(() => search(t.ids.jen, 'a', { scopeId: financeDev }))).toBe('AuthorizationFailed');
    // Sam becomes an active User Access Administrator of finance-dev: he may pick there, not elsewhere
    submitAdminRequest(
      t.db,
      user(t.ids.steve),
      {
        requestType: 'AdminAssign',
        kind: 'active',
        principal: { type: 'User', id: t.ids.sam },
        roleId: ROLE_IDS.userAccessAdministrator,
        scopeId: financeDev,
        startAt: t.now,
        endAt: t.now + 30 * DAY,
        justification: 'Runs finance-dev access',
      },
      t.now,
    );
    expect(refused(() => search(t.ids.sam, 'jen', { scopeId: financeDev.toUpperCase() }))).toBe('allowed');
    expect(refused(() => search(t.ids.sam, 'jen', { scopeId: financeProd }))).toBe('AuthorizationFailed');
    expect(refused(() => search(t.ids.sam, 'jen'))).toBe('AuthorizationFailed'); // no scope: users and groups are the PIM admins'
    expect(refused(() => search(t.ids.sam, 'jen', { scopeId: financeDev, notInGroup: 'g' }))).toBe('AuthorizationFailed');
    expect(refused(() => search(t.ids.steve, 'jen', { scopeId: financeProd }))).toBe('allowed');
  });
});

describe('principal labels', () => {
  it('names the principals a form holds, and keeps unknown ones visible', () => {
    const g = addGroup(t, 'Approvers');
    expect(
      principalLabels(t.db, [
        { type: 'User', id: t.ids.avery },
        { type: 'Group', id: g },
        { type: 'User', id: 'gone' },
      ]),
    ).toEqual([
      { value: `User:${t.ids.avery}`, label: 'Avery', detail: 'avery@bluewidget.test' },
      { value: `Group:${g}`, label: 'Approvers' },
      { value: 'User:gone', label: 'Unknown user', detail: 'gone' },
    ]);
  });
});
