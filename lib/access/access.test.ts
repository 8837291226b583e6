import { afterEach, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { freshDb } from '@/tests/support/db';
import { ROLE_IDS } from '@/lib/policy';
import { RG, SUB, VM, refused } from '@/lib/activation/test-support';
import { decodeCursor } from '@/lib/portal/keyset';
import { ACCESS_KEY_SHAPE, accessAt, accessList, findResources, resourceAccessCsv, resourceHolders, userAccessCsv } from './index';

const open: { close(): void }[] = [];
afterEach(() => open.splice(0).forEach((t) => t.close()));
function tenant() {
  const t = freshDb();
  open.push(t);
  return { ...t, at: t.now + 60_000 };
}
const headlines = (a: ReturnType<typeof accessAt>) => a!.roles.map((r) => `${r.roleName}: ${r.headline}`);

async function text(stream: ReadableStream<Uint8Array>) {
  return new Response(stream).text();
}

describe('My access on the demo tenant (real SQLite)', () => {
  it('Jen: Owner is eligible from the subscription — approval by Avery on finance-prod, at once on its VM', () => {
    const t = tenant();
    expect(headlines(accessAt(t.ids.jen, t.ids.jen, RG('finance-prod'), t.at, {}, t.db))).toEqual([
      'Owner: Eligible, from the subscription; needs approval by Avery',
    ]);
    const vm = accessAt(t.ids.jen, t.ids.jen, VM('finance-prod', 'vm1'), t.at, {}, t.db)!;
    expect(headlines(vm)).toEqual(["Owner: Eligible, from the subscription; active at once under the VM's own settings"]);
    expect(vm.roles[0].details).toBe(
      'up to 8 h; needs MFA and a justification; default settings of Tenant › Blue Widget Co › finance-prod › finance-prod-vm1',
    );
    expect(vm.resource.crumbs.map((c) => c.name)).toEqual(['Tenant', 'Blue Widget Co', 'finance-prod', 'finance-prod-vm1']);
  });

  it('Sam: Reader active on finance-dev; nothing on finance-prod, and who to ask', () => {
    const t = tenant();
    const dev = accessAt(t.ids.sam, t.ids.sam, RG('finance-dev'), t.at, {}, t.db)!;
    expect(headlines(dev)).toEqual([
      'Reader: Active, assigned here',
      "Contributor: Eligible, assigned here; active at once under the resource group's own settings",
    ]);
    expect(dev.roles[0].window).toEqual({ label: 'until', at: t.now + 30 * 86_400_000 });
    const prod = accessAt(t.ids.sam, t.ids.sam, VM('finance-prod', 'vm1'), t.at, { roleIds: [ROLE_IDS.owner] }, t.db)!;
    expect(prod.roles).toEqual([
      expect.objectContaining({
        state: 'No access',
        why: ['Owner eligibility does not reach Tenant › Blue Widget Co › finance-prod › finance-prod-vm1'],
      }),
    ]);
    expect(prod.grantors).toBe(
      'To get access, ask an administrator of Tenant › Blue Widget Co › finance-prod › finance-prod-vm1: ' +
        'Steve Admin (PIM administrator).',
    );
  });

  it('lists what a user holds and may activate, active first, keyset-paged; only for themselves or a PIM administrator', () => {
    const t = tenant();
    const sam = accessList(t.ids.sam, t.ids.sam, t.at, {}, t.db);
    expect(sam.rows.map((r) => [r.roleName, r.kind, r.crumbs.at(-1)?.name, r.source, r.window.label])).toEqual([
      ['Reader', 'active', 'finance-dev', 'directly', 'until'],
      ['Contributor', 'eligible', 'finance-dev', 'directly', 'eligible until'],
    ]);
    const first = accessList(t.ids.sam, t.ids.sam, t.at, { size: 1 }, t.db);
    expect(first.rows.map((r) => r.roleName)).toEqual(['Reader']);
    const second = accessList(t.ids.sam, t.ids.sam, t.at, { size: 1, seek: { after: decodeCursor(first.next, ACCESS_KEY_SHAPE) } }, t.db);
    expect(second.rows.map((r) => r.roleName)).toEqual(['Contributor']);
    expect(second.next).toBeNull();
    const jen = accessList(t.ids.steve, t.ids.jen, t.at, {}, t.db);
    expect(jen.rows).toEqual([
      expect.objectContaining({
        roleName: 'Owner',
        kind: 'eligible',
        atScope: 'needs approval by Avery',
        armId: '/subscriptions/5e1f0c4a-2b7d-4c1e-9a3b-6d8f0e2a1c55',
      }),
    ]);
    expect(accessList(t.ids.jen, t.ids.jen, t.at, { q: 'reader' }, t.db).rows).toEqual([]);
    expect(refused(() => accessList(t.ids.sam, t.ids.jen, t.at, {}, t.db)).code).toBe('AuthorizationFailed');
    expect(refused(() => accessAt(t.ids.jen, t.ids.sam, RG('finance-dev'), t.at, {}, t.db)).code).toBe('AuthorizationFailed');
  });

  it('finds resources by name or id prefix, capped', () => {
    const t = tenant();
    expect(findResources('finance-prod-vm1', t.db).hits.map((h) => h.id)).toEqual([VM('finance-prod', 'vm1')]);
    expect(findResources('vm', t.db)).toMatchObject({ more: false });
    expect(findResources('vm', t.db).hits).toHaveLength(6);
    expect(findResources(SUB, t.db).hits[0].id).toBe(SUB);
  });

  it('who has access at finance-prod, and why: for its administrators only', () => {
    const t = tenant();
    const r = resourceHolders(t.ids.steve, RG('finance-prod'), t.at, {}, t.db)!;
    expect(r.eligible.rows.map((h) => [h.view.principalName, h.view.roleName, h.why, h.activation])).toEqual([
      ['Jen', 'Owner', 'from the subscription Tenant › Blue Widget Co', 'needs approval by Avery'],
    ]);
    expect(r.active.rows.map((h) => [h.view.principalName, h.view.roleName, h.why, h.window.label])).toEqual([
      ['Steve Admin', 'User Access Administrator', 'from the subscription Tenant › Blue Widget Co', 'permanent'],
    ]);
    expect(refused(() => resourceHolders(t.ids.jen, RG('finance-prod'), t.at, {}, t.db)).code).toBe('AuthorizationFailed');
    expect(resourceHolders(t.ids.steve, '/subscriptions/nope', t.at, {}, t.db)).toBeNull();
  });

  it('CSV exports: the rows, with formula-looking names defused', async () => {
    const t = tenant();
    t.db.run(sql`UPDATE users SET display_name = '=HYPERLINK("x")' WHERE id = ${t.ids.jen}`);
    const user = userAccessCsv(t.ids.steve, t.ids.jen, t.at, t.db);
    expect(user.name).toBe('=HYPERLINK("x")');
    const lines = user.csv
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(lines[0]).toBe('role,state,scope,scope id,source,origin,start,end,activating at the scope');
    expect(lines[1]).toMatch(new RegExp(`^Owner,Eligible,Tenant › Blue Widget Co,${SUB},directly,assigned,.*,needs approval by Avery$`));
    const res = resourceAccessCsv(t.ids.steve, VM('finance-prod', 'vm1'), t.at, t.db)!;
    const body = (await text(res.stream))
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(body[0]).toBe('principal,principal type,role,state,why,from scope id,start,end,activating here');
    expect(body).toContainEqual(
      expect.stringMatching(
        /^"'=HYPERLINK\(""x""\)",User,Owner,Eligible,from the subscription Tenant › Blue Widget Co,.*,active at once under the VM's own /,
      ),
    );
    expect(body).toHaveLength(3);
    expect(refused(() => resourceAccessCsv(t.ids.sam, VM('finance-prod', 'vm1'), t.at, t.db)).code).toBe('AuthorizationFailed');
  });
});
