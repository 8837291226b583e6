import crypto from 'node:crypto';
import { eq } from 'drizzle-orm';
import { users } from '@/db/schema';
import { DEMO_SUBSCRIPTION, DEMO_TENANT_ID, DEMO_TOTP_SECRET } from '@/db/seed/demo';
import { totpCode } from '@/lib/auth/totp';
import { createGroup, setMembership } from '@/lib/groups';
import { createStepUpToken } from '@/lib/tokens/tokens';
import { mintToken } from '@/lib/tokens/test-support';
import { managementGroupId } from '@/lib/resources/arm-id';
import type { freshDb } from '@/tests/support/db';
import { serveArm } from './dispatch';

/**
 * Test support (not served): the demo tenant with some life in it, driven through the API
 * itself, and the matrix of list calls (who × scope × collection × $filter) whose answers
 * `lists.expected.json` keeps as they were before the lists moved into SQL.
 */

type Fresh = ReturnType<typeof freshDb>;
export type Persona = 'steve' | 'jen' | 'avery' | 'sam';
export const PERSONAS: Persona[] = ['steve', 'jen', 'avery', 'sam'];

const OWNER = '8e3af657-a8ff-443c-a75c-2fe8c4bcb635';
const CONTRIBUTOR = 'b24988ac-6180-42a0-ab88-20f7382dd24c';
const READER = 'acdd72a7-3385-48ef-bd42-f606fba81ae7';
const roleDef = (id: string) => `${DEMO_SUBSCRIPTION}/providers/Microsoft.Authorization/roleDefinitions/${id}`;
export const ROOT = managementGroupId(DEMO_TENANT_ID);
export const rg = (name: string) => `${DEMO_SUBSCRIPTION}/resourceGroups/${name}`;
export const vm = (group: string, n: number) => `${rg(group)}/providers/Microsoft.Compute/virtualMachines/${group}-vm${n}`;
export const SCOPES = {
  root: ROOT,
  sub: DEMO_SUBSCRIPTION,
  prod: rg('finance-prod'),
  dev: rg('finance-dev'),
  testVm: vm('finance-test', 1),
} as const;

export interface Scenario {
  t: Fresh;
  tokens: Record<Persona, string>;
  groupId: string;
  /** one API call as a persona; JSON body or null */
  call(who: Persona, method: string, pathAndQuery: string, body?: unknown): Promise<{ status: number; json: any }>;
}

export async function apiCall(t: Fresh, token: string, method: string, pathAndQuery: string, body?: unknown, now = t.now) {
  const req = new Request(`https://elevate.test${pathAndQuery}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const res = await serveArm(t.db, req, now);
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : null };
}

export function tokensFor(t: Fresh): Record<Persona, string> {
  const out = {} as Record<Persona, string>;
  for (const p of PERSONAS) {
    const user = t.db.select().from(users).where(eq(users.id, t.ids[p])).get()!;
    out[p] = mintToken(t.db, user, { name: 'lists test', expiresInDays: 1 }, t.now);
  }
  return out;
}

export async function buildScenario(t: Fresh): Promise<Scenario> {
  const tokens = tokensFor(t);
  const steveUser = t.db.select().from(users).where(eq(users.id, t.ids.steve)).get()!;
  const group = createGroup(t.db, steveUser, { name: 'Finance ops' }, t.now);
  for (const who of ['jen', 'sam'] as const) setMembership(t.db, steveUser, { groupId: group.id, userId: t.ids[who], member: true }, t.now);
  const stepUp = (who: Persona) => {
    const user = t.db.select().from(users).where(eq(users.id, t.ids[who])).get()!;
    return createStepUpToken(t.db, user, { code: totpCode(DEMO_TOTP_SECRET, t.now) }, t.now).token;
  };
  const call = (who: Persona, method: string, path: string, body?: unknown) => apiCall(t, tokens[who], method, path, body);
  const put = async (token: string, scope: string, collection: string, props: Record<string, unknown>) => {
    const r = await apiCall(
      t,
      token,
      'PUT',
      `${scope}/providers/Microsoft.Authorization/${collection}/${crypto.randomUUID()}?api-version=2020-10-01`,
      { properties: props },
    );
    if (r.status !== 201) throw new Error(`scenario step failed: ${JSON.stringify(r.json)}`);
    return r.json;
  };
  const admin = (principalId: string, roleId: string, type: string, extra: Record<string, unknown> = {}) => ({
    principalId,
    roleDefinitionId: roleDef(roleId),
    requestType: type,
    justification: 'Scenario',
    ...extra,
  });
  const start = new Date(t.now).toISOString();
  await put(
    tokens.steve,
    SCOPES.prod,
    'roleEligibilityScheduleRequests',
    admin(group.id, READER, 'AdminAssign', {
      scheduleInfo: { startDateTime: start, expiration: { type: 'AfterDuration', duration: 'P30D' } },
    }),
  );
  await put(
    tokens.steve,
    SCOPES.testVm,
    'roleAssignmentScheduleRequests',
    admin(t.ids.avery, CONTRIBUTOR, 'AdminAssign', {
      scheduleInfo: { startDateTime: start, expiration: { type: 'AfterDuration', duration: 'P10D' } },
    }),
  );
  await put(
    tokens.steve,
    rg('finance-test'),
    'roleEligibilityScheduleRequests',
    admin(t.ids.sam, READER, 'AdminAssign', {
      scheduleInfo: { startDateTime: start, expiration: { type: 'AfterDuration', duration: 'P60D' } },
    }),
  );
  await put(tokens.steve, rg('finance-test'), 'roleEligibilityScheduleRequests', admin(t.ids.sam, READER, 'AdminRemove'));
  await put(
    tokens.steve,
    SCOPES.dev,
    'roleEligibilityScheduleRequests',
    admin(t.ids.avery, OWNER, 'AdminAssign', {
      scheduleInfo: {
        startDateTime: new Date(t.now + 2 * 86_400_000).toISOString(),
        expiration: { type: 'AfterDuration', duration: 'P30D' },
      },
    }),
  );
  const jen = stepUp('jen');
  const activate = (roleId: string, duration: string) => ({
    principalId: t.ids.jen,
    roleDefinitionId: roleDef(roleId),
    requestType: 'SelfActivate',
    scheduleInfo: { expiration: { type: 'AfterDuration', duration } },
    justification: 'Scenario',
  });
  await put(jen, rg('finance-test'), 'roleAssignmentScheduleRequests', activate(OWNER, 'PT1H'));
  const prod = await put(jen, SCOPES.prod, 'roleAssignmentScheduleRequests', activate(OWNER, 'PT2H'));
  await put(jen, SCOPES.sub, 'roleAssignmentScheduleRequests', activate(OWNER, 'PT1H'));
  // Owner on finance-prod requires MFA to approve (Owner's default): Avery approves with a step-up token
  const review = await apiCall(
    t,
    stepUp('avery'),
    'PUT',
    `/providers/Microsoft.Authorization/roleAssignmentApprovals/${prod.name}/stages/${prod.name}?api-version=2021-01-01-preview`,
    { reviewResult: 'Approve', justification: 'Scenario' },
  );
  if (review.status !== 200) throw new Error(`approval failed: ${JSON.stringify(review.json)}`);
  const sam = stepUp('sam');
  await put(sam, vm('finance-dev', 1), 'roleAssignmentScheduleRequests', {
    principalId: t.ids.sam,
    roleDefinitionId: roleDef(CONTRIBUTOR),
    requestType: 'SelfActivate',
    scheduleInfo: { expiration: { type: 'AfterDuration', duration: 'PT1H' } },
    justification: 'Scenario',
  });
  return { t, tokens, groupId: group.id, call };
}

export interface ListCase {
  key: string;
  who: Persona;
  path: string;
}

const SCHEDULE_LISTS = [
  'roleEligibilitySchedules',
  'roleAssignmentSchedules',
  'roleEligibilityScheduleInstances',
  'roleAssignmentScheduleInstances',
];
const REQUEST_LISTS = ['roleEligibilityScheduleRequests', 'roleAssignmentScheduleRequests'];

/** Every list call the comparison covers, with a stable key. */
export function listCases(s: Scenario): ListCase[] {
  const out: ListCase[] = [];
  const add = (who: Persona, scopeName: string, scope: string, collection: string, version: string, filter: string, filterName: string) => {
    const q = `api-version=${version}${filter ? `&$filter=${encodeURIComponent(filter)}` : ''}`;
    out.push({
      key: `${who} ${scopeName} ${collection} ${filterName}`,
      who,
      path: `${scope}/providers/Microsoft.Authorization/${collection}?${q}`,
    });
  };
  const common: [string, string][] = [
    ['', 'all'],
    ['asTarget()', 'asTarget'],
    ['atScope()', 'atScope'],
    ['asTarget() and atScope()', 'asTarget+atScope'],
    [`principalId eq '${s.t.ids.jen}'`, 'principalId=jen'],
    [`principalId eq '${s.groupId}'`, 'principalId=group'],
    [`roleDefinitionId eq '${roleDef(OWNER)}'`, 'role=owner'],
    ["status eq 'Provisioned'", 'status=Provisioned'],
  ];
  for (const who of PERSONAS) {
    for (const [scopeName, scope] of Object.entries(SCOPES)) {
      for (const c of SCHEDULE_LISTS) {
        for (const [f, n] of common) add(who, scopeName, scope, c, '2020-10-01', f, n);
        add(who, scopeName, scope, c, '2020-10-01', "assignmentType eq 'Activated'", 'assignmentType=Activated');
        add(who, scopeName, scope, c, '2020-10-01', "status eq 'Revoked'", 'status=Revoked');
      }
      for (const c of REQUEST_LISTS) {
        for (const [f, n] of common) add(who, scopeName, scope, c, '2020-10-01', f, n);
        for (const [f, n] of [
          ['asRequestor()', 'asRequestor'],
          ['asApprover()', 'asApprover'],
          ["requestType eq 'SelfActivate'", 'type=SelfActivate'],
          ["status eq 'PendingApproval'", 'status=PendingApproval'],
          [`requestorId eq '${s.t.ids.steve}'`, 'requestor=steve'],
          ['asRequestor() and atScope()', 'asRequestor+atScope'],
        ] as const) {
          add(who, scopeName, scope, c, '2020-10-01', f, n);
        }
      }
      for (const c of ['roleManagementPolicies', 'roleManagementPolicyAssignments']) {
        add(who, scopeName, scope, c, '2020-10-01', '', 'all');
        add(who, scopeName, scope, c, '2020-10-01', `roleDefinitionId eq '${roleDef(OWNER)}'`, 'role=owner');
      }
      add(who, scopeName, scope, 'eligibleChildResources', '2020-10-01', '', 'all');
      add(who, scopeName, scope, 'eligibleChildResources', '2020-10-01', "resourceType eq 'resourcegroup'", 'type=rg');
      add(who, scopeName, scope, 'permissions', '2022-04-01', '', 'all');
    }
    for (const [scopeName, scope] of [
      ['tenant', ''],
      ['sub', SCOPES.sub],
    ] as const) {
      for (const [f, n] of [
        ['', 'all'],
        ["roleName eq 'Owner'", 'name=Owner'],
        ["type eq 'BuiltInRole'", 'type=BuiltIn'],
      ] as const)
        add(who, scopeName, scope, 'roleDefinitions', '2022-04-01', f, n);
    }
    add(who, 'tenant', '', 'roleAssignmentApprovals', '2021-01-01-preview', '', 'all');
    add(who, 'tenant', '', 'roleAssignmentApprovals', '2021-01-01-preview', 'asApprover()', 'asApprover');
  }
  return out;
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;
const KEEP = new Set([OWNER, CONTRIBUTOR, READER, '18d7d88d-d35e-4fb5-a5c3-7773c20a72d9', DEMO_TENANT_ID, DEMO_SUBSCRIPTION.split('/')[2]]);

/** One item as comparable text: people and the group by name, other generated GUIDs blanked. */
export function normalise(s: Scenario, item: unknown): string {
  const names = new Map<string, string>([...PERSONAS.map((p) => [s.t.ids[p], `user:${p}`] as [string, string]), [s.groupId, 'group:ops']]);
  return JSON.stringify(item).replace(UUID, (m) => names.get(m.toLowerCase()) ?? (KEEP.has(m.toLowerCase()) ? m : 'ID'));
}

/** Every item of a list, following nextLink; or the error code. */
export async function collect(s: Scenario, c: ListCase, top?: number): Promise<{ items: string[] } | { error: string; status: number }> {
  const items: string[] = [];
  let path: string | null = top === undefined ? c.path : `${c.path}&$top=${top}`;
  for (let pages = 0; path && pages < 100; pages++) {
    const r = await s.call(c.who, 'GET', path);
    if (r.status !== 200) return { error: r.json?.error?.code ?? 'unknown', status: r.status };
    for (const v of r.json.value) items.push(normalise(s, v));
    path = r.json.nextLink ? r.json.nextLink.replace(/^https:\/\/elevate\.test/, '') : null;
  }
  return { items: items.sort() };
}
