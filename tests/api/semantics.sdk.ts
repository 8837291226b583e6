import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthorizationManagementClient, type ErrorResponse, type RoleAssignmentScheduleRequest } from '@azure/arm-authorization';
import { createHttpHeaders, createPipelineRequest, isRestError, type RestError } from '@azure/core-rest-pipeline';
import { isNull } from 'drizzle-orm';
import { openDatabase } from '@/db/client';
import { resources } from '@/db/schema';
import { DEMO_SUBSCRIPTION, DEMO_TENANT_ID, DEMO_TOTP_SECRET } from '@/db/seed/demo';
import { totpCode } from '@/lib/auth/totp';
import { startServer, type TestServer } from './server';
import {
  CONTRIBUTOR,
  OWNER,
  SUB,
  SUB_ID,
  all,
  client,
  credential,
  restError,
  rg,
  roleDef,
  seedTokens,
  send,
  type Persona,
} from './support';

/**
 * The Azure-compatible API's answers where Azure scripts depend on their exact shape,
 * driven by the official SDK (@azure/arm-authorization v9, maxRetries 0) over HTTPS with
 * certificate checks on: policy refusals in Azure's words, what cancel answers, classic
 * role assignments (listForScope is how Azure scripts check that access took effect),
 * who may read role management policies, and paging at the default page size.
 */

const READER = 'acdd72a7-3385-48ef-bd42-f606fba81ae7';
const UAA = '18d7d88d-d35e-4fb5-a5c3-7773c20a72d9';

let server: TestServer;
let people: Record<Persona, { id: string; token: string }>;
let steve: AuthorizationManagementClient;
let jen: AuthorizationManagementClient;
let avery: AuthorizationManagementClient;
let sam: AuthorizationManagementClient;
/** Jen with the step-up token the MFA example minted */
let jenMfa: AuthorizationManagementClient;
let jenOwnerEligibility: string;
/** Jen's activation at finance-dev, provisioned at once (no approval there) */
let devActivation: string;

/** ARM's error details as the SDK deserialised them ({code, message, target}). */
const detailsOf = (e: RestError) =>
  ((e.response as { parsedBody?: ErrorResponse } | undefined)?.parsedBody?.error?.details ?? []).map((d) => ({
    code: d.code,
    message: d.message,
    target: d.target,
  }));

/** Jen's SelfActivate of Owner; `justification: null` leaves it out. */
const activation = (
  eligibilityId: string,
  duration: string,
  justification: string | null = 'Deploying the quarterly release',
): RoleAssignmentScheduleRequest => ({
  principalId: people.jen.id,
  roleDefinitionId: roleDef(OWNER),
  requestType: 'SelfActivate',
  linkedRoleEligibilityScheduleId: eligibilityId,
  scheduleInfo: { expiration: { type: 'AfterDuration', duration } },
  ...(justification === null ? {} : { justification }),
});

beforeAll(async () => {
  // the default page size (100): paging is proved with 250+ items
  server = await startServer();
  people = seedTokens(server);
  steve = client(server, people.steve.token);
  jen = client(server, people.jen.token);
  avery = client(server, people.avery.token);
  sam = client(server, people.sam.token);
  const owner = (await all(jen.roleEligibilitySchedules.listForScope(SUB, { filter: 'asTarget()' }))).find((s) =>
    s.roleDefinitionId?.endsWith(OWNER),
  );
  jenOwnerEligibility = owner!.id!;
});

afterAll(async () => {
  await server?.stop();
});

/**
 * docs/api.md's example, word for word apart from where the code comes from: activate;
 * if the only thing missing is MFA, mint a step-up token with a TOTP code through the
 * client's own pipeline and retry the same request with it.
 */
async function activateWithStepUp(
  c: AuthorizationManagementClient,
  scope: string,
  name: string,
  request: RoleAssignmentScheduleRequest,
  askForCode: () => Promise<string>,
): Promise<{
  result: Awaited<ReturnType<AuthorizationManagementClient['roleAssignmentScheduleRequests']['create']>>;
  stepped: AuthorizationManagementClient | null;
}> {
  try {
    return { result: await c.roleAssignmentScheduleRequests.create(scope, name, request), stepped: null };
  } catch (e) {
    if (!isRestError(e) || e.code !== 'RoleAssignmentRequestPolicyValidationFailed' || !e.message.includes('"MfaRule"')) throw e;
    const res = await c.sendRequest(
      createPipelineRequest({
        url: `${server.baseUrl}/api/tokens/step-up`,
        method: 'POST',
        headers: createHttpHeaders({ 'content-type': 'application/json' }),
        body: JSON.stringify({ code: await askForCode() }),
      }),
    );
    if (res.status !== 201) throw new Error(`step-up refused: ${res.bodyAsText}`);
    const { token } = JSON.parse(res.bodyAsText!) as { token: string };
    const stepped = new AuthorizationManagementClient(credential(token), SUB_ID, {
      endpoint: server.baseUrl,
      credentialScopes: [`${server.baseUrl}/.default`],
      retryOptions: { maxRetries: 0 },
      tlsOptions: { ca: server.ca },
    });
    return { result: await stepped.roleAssignmentScheduleRequests.create(scope, name, request), stepped };
  }
}

describe("policy refusals in Azure's words", () => {
  it("an activation that breaks three settings names the three rules as Azure does, with Elevate's reasons in details", async () => {
    const err = await restError(
      jen.roleAssignmentScheduleRequests.create(rg('finance-test'), crypto.randomUUID(), activation(jenOwnerEligibility, 'PT9H', null)),
    );
    expect([err.statusCode, err.code]).toEqual([400, 'RoleAssignmentRequestPolicyValidationFailed']);
    expect(err.message).toBe('The following policy rules failed: ["ExpirationRule","JustificationRule","MfaRule"]');
    const details = detailsOf(err);
    expect(details.map((d) => [d.code, d.target])).toEqual([
      ['ExpirationRule', 'Expiration_EndUser_Assignment'],
      ['JustificationRule', 'Enablement_EndUser_Assignment'],
      ['MfaRule', 'Enablement_EndUser_Assignment'],
      ['StepUpTokenRequired', '/api/tokens/step-up'],
    ]);
    expect(details[0].message).toMatch(/8 h is the maximum/);
    expect(details[1].message).toMatch(/justification is required/i);
    expect(details[3].message).toMatch(/POST \/api\/tokens\/step-up/);
  });

  it('validate refuses in the same words, without writing anything', async () => {
    const err = await restError(
      jen.roleAssignmentScheduleRequests.validate(rg('finance-test'), crypto.randomUUID(), activation(jenOwnerEligibility, 'PT1H', null)),
    );
    expect([err.statusCode, err.code, err.message]).toEqual([
      400,
      'RoleAssignmentRequestPolicyValidationFailed',
      'The following policy rules failed: ["JustificationRule","MfaRule"]',
    ]);
    const wrongScope = await restError(
      jen.roleAssignmentScheduleRequests.create(rg('finance-dev'), crypto.randomUUID(), {
        ...activation(jenOwnerEligibility, 'PT1H'),
        roleDefinitionId: roleDef(READER),
        linkedRoleEligibilityScheduleId: undefined,
      }),
    );
    expect([wrongScope.statusCode, wrongScope.message]).toEqual([400, 'The following policy rules failed: ["EligibilityRule"]']);
    expect(detailsOf(wrongScope)[0]).toMatchObject({
      code: 'EligibilityRule',
      message: expect.stringMatching(/no eligible assignment of Reader/),
    });
  });

  it('the documented example catches MfaRule, mints a step-up token and retries: Provisioned', async () => {
    const name = crypto.randomUUID();
    let asked = 0;
    const { result, stepped } = await activateWithStepUp(
      jen,
      rg('finance-test'),
      name,
      activation(jenOwnerEligibility, 'PT1H'),
      async () => {
        asked++;
        return totpCode(DEMO_TOTP_SECRET, Date.now());
      },
    );
    expect(asked).toBe(1);
    expect(stepped).not.toBeNull();
    expect([result.name, result.status]).toEqual([name, 'Provisioned']);
    jenMfa = stepped!;
    // with the step-up token nothing is asked again
    const again = await activateWithStepUp(
      jenMfa,
      rg('finance-dev'),
      crypto.randomUUID(),
      activation(jenOwnerEligibility, 'PT1H'),
      async () => {
        throw new Error('no code should be needed');
      },
    );
    expect(again.result.status).toBe('Provisioned');
    devActivation = again.result.name!;
  });

  it('a duplicate and an admin refusal use the same shape', async () => {
    const dup = await restError(
      jenMfa.roleAssignmentScheduleRequests.create(rg('finance-test'), crypto.randomUUID(), activation(jenOwnerEligibility, 'PT1H')),
    );
    expect([dup.statusCode, dup.message]).toEqual([400, 'The following policy rules failed: ["ExistingAssignmentRule"]']);
    expect(detailsOf(dup)[0].message).toMatch(/already active/);
    const forever = await restError(
      steve.roleEligibilityScheduleRequests.create(rg('finance-dev'), crypto.randomUUID(), {
        principalId: people.sam.id,
        roleDefinitionId: roleDef(OWNER),
        requestType: 'AdminAssign',
        scheduleInfo: { expiration: { type: 'NoExpiration' } },
        justification: 'Forever',
      }),
    );
    expect([forever.statusCode, forever.code, forever.message]).toEqual([
      400,
      'RoleAssignmentRequestPolicyValidationFailed',
      'The following policy rules failed: ["ExpirationRule"]',
    ]);
    expect(detailsOf(forever)[0]).toMatchObject({
      code: 'ExpirationRule',
      target: 'Expiration_Admin_Eligibility',
      message: expect.stringMatching(/Permanent/),
    });
  });
});

describe('cancel', () => {
  it('withdraws a pending request: 200 with the canceled request as its JSON body', async () => {
    const pending = await jenMfa.roleAssignmentScheduleRequests.create(SUB, crypto.randomUUID(), activation(jenOwnerEligibility, 'PT1H'));
    expect(pending.status).toBe('PendingApproval');
    // the SDK's own call accepts 200 only
    await jen.roleAssignmentScheduleRequests.cancel(SUB, pending.name!);
    expect((await jen.roleAssignmentScheduleRequests.get(SUB, pending.name!)).status).toBe('Canceled');

    const other = await jenMfa.roleAssignmentScheduleRequests.create(SUB, crypto.randomUUID(), activation(jenOwnerEligibility, 'PT1H'));
    const raw = await send(
      jen,
      server,
      'POST',
      `/${SUB}/providers/Microsoft.Authorization/roleAssignmentScheduleRequests/${other.name}/cancel?api-version=2020-10-01`,
    );
    expect(raw.status).toBe(200);
    expect(raw.headers.get('content-type')).toMatch(/^application\/json/);
    expect(raw.bodyAsText).not.toBe('');
    expect(raw.json).toMatchObject({ name: other.name, properties: { status: 'Canceled', requestType: 'SelfActivate' } });
  });

  it('a second cancel says it was already canceled, by whom and when', async () => {
    const pending = await jenMfa.roleAssignmentScheduleRequests.create(SUB, crypto.randomUUID(), activation(jenOwnerEligibility, 'PT1H'));
    await jen.roleAssignmentScheduleRequests.cancel(SUB, pending.name!);
    const twice = await restError(jen.roleAssignmentScheduleRequests.cancel(SUB, pending.name!));
    expect([twice.statusCode, twice.code]).toEqual([409, 'RoleAssignmentRequestAlreadyCanceled']);
    expect(twice.message).toMatch(/already canceled by Jen at \d+ \w+ \d{4} \d\d:\d\d UTC/);
    expect(twice.message).not.toMatch(/approv/i);
  });

  it('a request provisioned at once has nothing to cancel, and the answer says what to send instead', async () => {
    expect((await jen.roleAssignmentScheduleRequests.get(rg('finance-dev'), devActivation)).status).toBe('Provisioned');
    const err = await restError(jen.roleAssignmentScheduleRequests.cancel(rg('finance-dev'), devActivation));
    expect([err.statusCode, err.code]).toEqual([409, 'RoleAssignmentRequestAlreadyProvisioned']);
    expect(err.message).toMatch(/needed no approval and was provisioned when it was made/);
    expect(err.message).toMatch(/SelfDeactivate/);
    expect(err.message).not.toMatch(/approved by|decided/i);
    const assigned = (
      await all(steve.roleEligibilityScheduleRequests.listForScope(SUB, { filter: "requestType eq 'AdminAssign' and atScope()" }))
    )[0];
    const admin = await restError(steve.roleEligibilityScheduleRequests.cancel(SUB, assigned.name!));
    expect([admin.statusCode, admin.code]).toEqual([409, 'RoleAssignmentRequestAlreadyProvisioned']);
  });

  it('a request an approver decided says who decided', async () => {
    const pending = await jenMfa.roleAssignmentScheduleRequests.create(
      rg('finance-prod'),
      crypto.randomUUID(),
      activation(jenOwnerEligibility, 'PT2H'),
    );
    // Owner requires MFA to approve: Avery approves with a step-up token
    const stepUp = await send(avery, server, 'POST', '/api/tokens/step-up', { code: totpCode(DEMO_TOTP_SECRET, Date.now()) });
    expect(stepUp.status).toBe(201);
    const stage = await send(
      client(server, stepUp.json.token),
      server,
      'PUT',
      `/providers/Microsoft.Authorization/roleAssignmentApprovals/${pending.name}/stages/${pending.name}?api-version=2021-01-01-preview`,
      { properties: { reviewResult: 'Approve', justification: 'Release window agreed' } },
    );
    expect(stage.status).toBe(200);
    const err = await restError(jen.roleAssignmentScheduleRequests.cancel(rg('finance-prod'), pending.name!));
    expect([err.statusCode, err.code]).toEqual([409, 'ApprovalAlreadyDecided']);
    expect(err.message).toMatch(/already approved by Avery/);
  });
});

describe('classic role assignments', () => {
  it('listForScope shows that access took effect: the activation, inherited assignments, as Azure shapes them', async () => {
    const mine = await all(jen.roleAssignments.listForScope(rg('finance-test'), { filter: `assignedTo('${people.jen.id}')` }));
    const owner = mine.find(
      (a) => a.roleDefinitionId?.endsWith(OWNER) && a.scope?.toLowerCase() === `/${rg('finance-test')}`.toLowerCase(),
    );
    expect(owner).toMatchObject({
      principalId: people.jen.id,
      principalType: 'User',
      type: 'Microsoft.Authorization/roleAssignments',
      createdBy: people.jen.id,
    });
    expect(owner!.condition ?? null).toBeNull();
    expect(owner!.createdOn).toBeInstanceOf(Date);
    expect(owner!.id).toBe(`${owner!.scope}/providers/Microsoft.Authorization/roleAssignments/${owner!.name}`);
    // Steve's User Access Administrator on the subscription is in force at finance-test too (atScope(): at or above)
    const atTest = await all(steve.roleAssignments.listForScope(rg('finance-test'), { filter: 'atScope()' }));
    expect(
      atTest.some((a) => a.principalId === people.steve.id && a.roleDefinitionId?.endsWith(UAA) && a.scope === DEMO_SUBSCRIPTION),
    ).toBe(true);
    expect(atTest.every((a) => `/${rg('finance-test')}`.toLowerCase().startsWith(a.scope!.toLowerCase()))).toBe(true); // nothing below
    // principalId eq: at, above and below
    const samAtSub = await all(steve.roleAssignments.listForScope(SUB, { filter: `principalId eq '${people.sam.id}'` }));
    expect(samAtSub.map((a) => [a.roleDefinitionId?.split('/').pop(), a.scope?.split('/').pop()])).toEqual([[READER, 'finance-dev']]);
    const viaSubscription = await all(steve.roleAssignments.listForSubscription({ filter: `principalId eq '${people.sam.id}'` }));
    expect(viaSubscription.map((a) => a.name)).toEqual(samAtSub.map((a) => a.name));
    const viaGroup = await all(steve.roleAssignments.listForResourceGroup('finance-dev', { filter: 'atScope()' }));
    expect(viaGroup.some((a) => a.name === samAtSub[0].name)).toBe(true);
  });

  it('get by scope and name, and by id', async () => {
    const one = (await all(jen.roleAssignments.listForScope(rg('finance-test'), { filter: `assignedTo('${people.jen.id}')` }))).find((a) =>
      a.roleDefinitionId?.endsWith(OWNER),
    )!;
    const got = await jen.roleAssignments.get(one.scope!.slice(1), one.name!);
    expect(got).toEqual(one);
    expect(await jen.roleAssignments.getById(one.id!)).toEqual(one);
    const hidden = await restError(avery.roleAssignments.getById(one.id!));
    expect([hidden.statusCode, hidden.code]).toEqual([404, 'RoleAssignmentNotFound']);
  });

  it('a caller sees what the schedules lists show them', async () => {
    expect(await all(avery.roleAssignments.listForScope(SUB))).toEqual([]);
    const samSees = await all(sam.roleAssignments.listForScope(SUB));
    expect(samSees.map((a) => [a.principalId, a.roleDefinitionId?.split('/').pop()])).toEqual([[people.sam.id, READER]]);
  });

  it('create and delete are refused: every change is a governed request', async () => {
    const created = await restError(
      steve.roleAssignments.create(rg('finance-dev'), crypto.randomUUID(), {
        roleDefinitionId: roleDef(CONTRIBUTOR),
        principalId: people.sam.id,
      }),
    );
    expect([created.statusCode, created.code]).toEqual([400, 'RoleAssignmentRequestRequired']);
    expect(created.message).toMatch(/roleAssignmentScheduleRequests/);
    expect(created.message).toMatch(/AdminAssign/);
    const sams = (await all(steve.roleAssignments.listForScope(rg('finance-dev'), { filter: `principalId eq '${people.sam.id}'` })))[0];
    const deleted = await restError(steve.roleAssignments.deleteById(sams.id!));
    expect([deleted.statusCode, deleted.code]).toEqual([400, 'RoleAssignmentRequestRequired']);
    expect(deleted.message).toMatch(/AdminRemove/);
    const byName = await restError(steve.roleAssignments.delete(rg('finance-dev'), sams.name!));
    expect(byName.code).toBe('RoleAssignmentRequestRequired');
    expect((await steve.roleAssignments.getById(sams.id!)).name).toBe(sams.name); // still there
  });

  it('a deactivation takes the activation out of the list at once', async () => {
    const deactivated = await jen.roleAssignmentScheduleRequests.create(rg('finance-test'), crypto.randomUUID(), {
      principalId: people.jen.id,
      roleDefinitionId: roleDef(OWNER),
      requestType: 'SelfDeactivate',
      justification: 'Release done',
    });
    expect(deactivated.status).toBe('Provisioned');
    const left = await all(
      jen.roleAssignments.listForScope(rg('finance-test'), { filter: `assignedTo('${people.jen.id}') and atScope()` }),
    );
    expect(left.filter((a) => a.scope?.toLowerCase().endsWith('/finance-test'))).toEqual([]);
  });
});

describe('role management policies', () => {
  it('PATCH answers the full updated policy, exactly what a GET then reads', async () => {
    const owner = (await all(steve.roleManagementPolicies.listForScope(rg('finance-prod')))).find((p) => p.displayName === 'Owner')!;
    const updated = await steve.roleManagementPolicies.update(rg('finance-prod'), owner.name!, {
      rules: [
        {
          id: 'Expiration_EndUser_Assignment',
          ruleType: 'RoleManagementPolicyExpirationRule',
          isExpirationRequired: true,
          maximumDuration: 'PT6H',
          target: { caller: 'EndUser', level: 'Assignment', operations: ['All'] },
        } as never,
        {
          id: 'Notification_Admin_EndUser_Assignment',
          ruleType: 'RoleManagementPolicyNotificationRule',
          notificationType: 'Email',
          recipientType: 'Admin',
          notificationLevel: 'All',
          isDefaultRecipientsEnabled: true,
          notificationRecipients: ['secops@bluewidget.test'],
        } as never,
      ],
    });
    const read = await steve.roleManagementPolicies.get(rg('finance-prod'), owner.name!);
    expect(updated).toEqual(read);
    expect(updated.rules!.length).toBe(owner.rules!.length); // every rule, not only the two sent
    expect(updated.effectiveRules!.length).toBe(owner.rules!.length);
    expect(updated.rules!.map((r) => r.id)).toEqual(owner.rules!.map((r) => r.id));
    const rule = (id: string) => updated.rules!.find((r) => r.id === id) as { maximumDuration?: string; notificationRecipients?: string[] };
    expect(rule('Expiration_EndUser_Assignment').maximumDuration).toBe('PT6H');
    expect(rule('Notification_Approver_EndUser_Assignment').notificationRecipients).toEqual(['secops@bluewidget.test']);
    expect(updated.lastModifiedBy?.displayName).toBe('Steve Admin');
    expect(updated.lastModifiedDateTime).toBeInstanceOf(Date);
    expect(updated.isOrganizationDefault).toBe(false);
  });

  it("reading a scope's policies takes being able to see the scope, as the schedules lists decide it", async () => {
    const prodOwner = (await all(steve.roleManagementPolicies.listForScope(rg('finance-prod')))).find((p) => p.displayName === 'Owner')!;
    // Avery holds nothing anywhere: no policy, no recipients' addresses
    for (const call of [
      () => avery.roleManagementPolicies.get(rg('finance-prod'), prodOwner.name!),
      () => all(avery.roleManagementPolicies.listForScope(rg('finance-prod'))),
      () => all(avery.roleManagementPolicyAssignments.listForScope(rg('finance-prod'))),
      () => avery.roleManagementPolicyAssignments.get(rg('finance-prod'), `${prodOwner.name}_${OWNER}`),
    ]) {
      const err = await restError(call());
      expect([err.statusCode, err.code]).toEqual([403, 'AuthorizationFailed']);
      expect(err.message).toMatch(/Microsoft\.Authorization\/roleManagementPolic(ies|yAssignments)\/read/);
    }
    // Sam holds Reader and an eligibility on finance-dev: he reads there (and below), not on the subscription or finance-prod
    expect((await all(sam.roleManagementPolicies.listForScope(rg('finance-dev')))).length).toBe(4);
    expect(
      (
        await all(
          sam.roleManagementPolicies.listForScope(`${rg('finance-dev')}/providers/Microsoft.Compute/virtualMachines/finance-dev-vm1`),
        )
      ).length,
    ).toBe(4);
    expect((await restError(all(sam.roleManagementPolicies.listForScope(SUB)))).statusCode).toBe(403);
    expect((await restError(sam.roleManagementPolicies.get(rg('finance-prod'), prodOwner.name!))).statusCode).toBe(403);
    // Jen's eligibility on the subscription reaches finance-prod: she reads the rules that govern her activation there
    const jenReads = await jen.roleManagementPolicies.get(rg('finance-prod'), prodOwner.name!);
    expect(jenReads.id).toBe(prodOwner.id);
    // Steve, a PIM administrator, reads everywhere
    expect((await all(steve.roleManagementPolicyAssignments.listForScope(rg('finance-test')))).length).toBe(4);
  });
});

describe('paging at the default page size', () => {
  const subId = '3c9d2e1f-8a7b-4c6d-9e0f-1a2b3c4d5e6f';
  const scopeArm = `/subscriptions/${subId}`;

  it('lists 260 eligibilities and 260 role assignments over several nextLink pages, each exactly once, while rows arrive between pages', async () => {
    const { db, sqlite } = openDatabase(server.dbFile);
    try {
      const at = Date.now();
      const root = db.select({ id: resources.id }).from(resources).where(isNull(resources.parentId)).get()!.id;
      db.insert(resources)
        .values({
          id: scopeArm.toLowerCase(),
          armId: scopeArm,
          tenantId: DEMO_TENANT_ID,
          kind: 'subscription',
          type: 'Microsoft.Resources/subscriptions',
          name: 'Paging',
          displayName: 'Paging',
          parentId: root,
          managed: true,
          createdAt: at,
        })
        .run();
      const who = [people.jen.id, people.sam.id, people.avery.id];
      for (const table of ['eligibility_schedules', 'assignment_schedules'] as const) {
        const insert =
          sqlite.prepare(`INSERT INTO ${table} (id, principal_type, principal_id, role_id, scope_id, start_at, end_at, created_at,
            updated_at${table === 'assignment_schedules' ? ', origin' : ''})
          VALUES (?, 'User', ?, ?, ?, ?, ?, ?, ?${table === 'assignment_schedules' ? ", 'assigned'" : ''})`);
        const add = (n: number, createdAt: number) => {
          const id = crypto.randomUUID();
          insert.run(id, who[n % 3], READER, scopeArm.toLowerCase(), at - 60_000, at + 30 * 86_400_000, createdAt, createdAt);
          return id;
        };
        // a third share one creation time: the id orders the ties
        const made = Array.from({ length: 260 }, (_, i) => add(i, i % 3 === 0 ? at - 1000 : at - 1000 - i));
        const pagesOf =
          table === 'eligibility_schedules'
            ? steve.roleEligibilitySchedules.listForScope(`subscriptions/${subId}`).byPage()
            : steve.roleAssignments.listForScope(`subscriptions/${subId}`).byPage();
        const seen: string[] = [];
        const sizes: number[] = [];
        for await (const page of pagesOf) {
          seen.push(...page.map((s) => s.name!));
          sizes.push(page.length);
          // newer and older rows written while the client pages: never an item twice, none of the 260 missed
          add(sizes.length, at + sizes.length);
          add(sizes.length, at - 10_000_000 - sizes.length);
        }
        expect(sizes.length, table).toBeGreaterThanOrEqual(3);
        expect(sizes.slice(0, 2), table).toEqual([100, 100]); // the default page size
        expect(new Set(seen).size, table).toBe(seen.length);
        expect(
          made.every((id) => seen.includes(id)),
          table,
        ).toBe(true);
      }
    } finally {
      sqlite.close();
    }
  });
});
