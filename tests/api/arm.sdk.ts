import crypto from 'node:crypto';
import https from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuthorizationManagementClient, RoleAssignmentScheduleRequest } from '@azure/arm-authorization';
import { isNull } from 'drizzle-orm';
import { openDatabase } from '@/db/client';
import { resources } from '@/db/schema';
import { DEMO_TENANT_ID, DEMO_TOTP_SECRET } from '@/db/seed/demo';
import { totpCode } from '@/lib/auth/totp';
import { startServer, type TestServer } from './server';
import { CONTRIBUTOR, OWNER, SUB, all, client, restError, rg, roleDef, seedTokens, send, type Persona } from './support';

/**
 * Elevate driven by the official Azure SDK (@azure/arm-authorization v9) as a black box,
 * over HTTPS with a test certificate the client trusts through tlsOptions.ca. The tests
 * run in order and tell the Blue Widget Co story: Steve assigns, Jen activates, Avery approves.
 */

let server: TestServer;
let people: Record<Persona, { id: string; token: string }>;
let steve: AuthorizationManagementClient;
let jen: AuthorizationManagementClient;
let avery: AuthorizationManagementClient;
/** Jen's MFA step-up token, minted with a TOTP code through the API */
let jenMfa: AuthorizationManagementClient;

const activation = (
  principalId: string,
  eligibilityId: string,
  duration: string,
  justification = 'Deploying the quarterly release',
): RoleAssignmentScheduleRequest => ({
  principalId,
  roleDefinitionId: roleDef(OWNER),
  requestType: 'SelfActivate',
  linkedRoleEligibilityScheduleId: eligibilityId,
  scheduleInfo: { expiration: { type: 'AfterDuration', duration } },
  justification,
});

beforeAll(async () => {
  server = await startServer({ ELEVATE_API_PAGE_SIZE: '2' });
  people = seedTokens(server);
  steve = client(server, people.steve.token);
  jen = client(server, people.jen.token);
  avery = client(server, people.avery.token);
});

afterAll(async () => {
  await server?.stop();
});

describe('Azure-compatible API through @azure/arm-authorization', () => {
  let jenOwnerEligibility: string;
  let prodRequestName: string;

  it('serves the SDK over HTTPS with a certificate the client trusts through tlsOptions.ca', async () => {
    const first = await jen.roleDefinitions.list(SUB).next();
    expect(first.done).toBe(false);
  });

  it('Steve AdminAssigns an eligibility (201, Provisioned)', async () => {
    const name = crypto.randomUUID();
    const created = await steve.roleEligibilityScheduleRequests.create(rg('finance-dev'), name, {
      principalId: people.jen.id,
      roleDefinitionId: roleDef(CONTRIBUTOR),
      requestType: 'AdminAssign',
      scheduleInfo: { startDateTime: new Date(), expiration: { type: 'AfterDuration', duration: 'P30D' } },
      justification: 'Jen covers finance-dev this month',
    });
    expect(created.status).toBe('Provisioned');
    expect(created.requestType).toBe('AdminAssign');
    // as in Azure, the GUID the client PUT is the request's name: it can be read back by it, and never reused
    expect(created.name).toBe(name);
    expect((await steve.roleEligibilityScheduleRequests.get(rg('finance-dev'), name)).status).toBe('Provisioned');
    const reused = await restError(
      steve.roleEligibilityScheduleRequests.create(rg('finance-dev'), name, {
        principalId: people.jen.id,
        roleDefinitionId: roleDef(CONTRIBUTOR),
        requestType: 'AdminAssign',
        scheduleInfo: { startDateTime: new Date(), expiration: { type: 'AfterDuration', duration: 'P30D' } },
        justification: 'again',
      }),
    );
    expect(reused).toMatchObject({ statusCode: 409, code: 'RoleAssignmentRequestExists' });
    expect(created.principalId).toBe(people.jen.id);
    expect(created.scope?.toLowerCase()).toBe(`/${rg('finance-dev')}`.toLowerCase());
    // admin requests are stored as a window, so they report their end
    expect(created.scheduleInfo?.expiration?.type).toBe('AfterDateTime');
    expect(created.scheduleInfo!.expiration!.endDateTime!.getTime() - created.scheduleInfo!.startDateTime!.getTime()).toBe(30 * 86_400_000);
    expect(created.expandedProperties?.roleDefinition?.displayName).toBe('Contributor');
    const again = await steve.roleEligibilityScheduleRequests.get(rg('finance-dev'), created.name!);
    expect(again.id).toBe(created.id);
    expect(again.justification).toBe('Jen covers finance-dev this month');
  });

  it('Jen lists her eligibilities asTarget(), inherited ones marked as such', async () => {
    const atSub = await all(jen.roleEligibilitySchedules.listForScope(SUB, { filter: 'asTarget()' }));
    const owner = atSub.find((s) => s.roleDefinitionId?.endsWith(OWNER));
    expect(owner?.memberType).toBe('Direct');
    expect(owner?.status).toBe('Provisioned');
    expect(atSub.some((s) => s.roleDefinitionId?.endsWith(CONTRIBUTOR) && s.scope?.toLowerCase().endsWith('/finance-dev'))).toBe(true);
    jenOwnerEligibility = owner!.id!;
    const atTest = await all(jen.roleEligibilitySchedules.listForScope(rg('finance-test'), { filter: 'asTarget()' }));
    expect(atTest.map((s) => [s.roleDefinitionId?.split('/').pop(), s.memberType])).toEqual([[OWNER, 'Inherited']]);
    const instances = await all(jen.roleEligibilityScheduleInstances.listForScope(SUB, { filter: `principalId eq '${people.jen.id}'` }));
    expect(instances.length).toBe(2);
  });

  it('a caller sees what the portal would show them: Sam his own, Steve the whole subscription', async () => {
    const sam = client(server, people.sam.token);
    const samSees = await all(sam.roleEligibilitySchedules.listForScope(SUB));
    expect(samSees.length).toBeGreaterThan(0);
    expect(samSees.every((s) => s.principalId === people.sam.id)).toBe(true);
    const steveSees = new Set((await all(steve.roleEligibilitySchedules.listForScope(SUB))).map((s) => s.principalId));
    expect(steveSees).toEqual(new Set([people.jen.id, people.sam.id]));
  });

  it('an MFA-gated activation needs a step-up token; a TOTP code mints one', async () => {
    const refused = await restError(
      jen.roleAssignmentScheduleRequests.create(
        rg('finance-test'),
        crypto.randomUUID(),
        activation(people.jen.id, jenOwnerEligibility, 'PT1H'),
      ),
    );
    expect(refused.statusCode).toBe(400);
    // Azure's words, as scripts written for Azure PIM look for them; how to step up is in details
    expect(refused.code).toBe('RoleAssignmentRequestPolicyValidationFailed');
    expect(refused.message).toBe('The following policy rules failed: ["MfaRule"]');
    expect(JSON.stringify((refused.response as { parsedBody?: unknown } | undefined)?.parsedBody)).toMatch(/step-up/);
    const code = totpCode(DEMO_TOTP_SECRET, Date.now());
    const res = await send(jen, server, 'POST', '/api/tokens/step-up', { code });
    expect(res.status).toBe(201);
    expect(res.json.token).toMatch(/^elv_/);
    expect(Date.parse(res.json.expiresOn) - Date.now()).toBeLessThanOrEqual(10 * 60_000);
    jenMfa = client(server, res.json.token);
    const replay = await send(jen, server, 'POST', '/api/tokens/step-up', { code });
    expect(replay.status).toBe(400);
    expect(replay.json.error.code).toBe('InvalidMfaCode');
  });

  it('Jen SelfActivates Owner at finance-test: active at once (Provisioned)', async () => {
    const created = await jenMfa.roleAssignmentScheduleRequests.create(
      rg('finance-test'),
      crypto.randomUUID(),
      activation(people.jen.id, jenOwnerEligibility, 'PT1H'),
    );
    expect(created.status).toBe('Provisioned');
    expect(created.approvalId).toBeUndefined();
    expect(created.scheduleInfo?.expiration?.duration).toBe('PT1H');
    expect(created.linkedRoleEligibilityScheduleId?.split('/').pop()).toBe(jenOwnerEligibility.split('/').pop());
    const perms = await send(
      jen,
      server,
      'GET',
      `/${rg('finance-test')}/providers/Microsoft.Authorization/permissions?api-version=2022-04-01`,
    );
    expect(perms.status).toBe(200);
    expect(perms.json.value.some((p: { actions: string[] }) => p.actions.includes('*'))).toBe(true);
  });

  it("a second overlapping activation is refused with the engine's reason", async () => {
    const err = await restError(
      jenMfa.roleAssignmentScheduleRequests.create(
        rg('finance-test'),
        crypto.randomUUID(),
        activation(people.jen.id, jenOwnerEligibility, 'PT1H'),
      ),
    );
    expect(err.statusCode).toBe(400);
    expect(err.code).toBe('RoleAssignmentRequestPolicyValidationFailed');
    expect(err.message).toBe('The following policy rules failed: ["ExistingAssignmentRule"]');
    expect(JSON.stringify((err.response as { parsedBody?: unknown } | undefined)?.parsedBody)).toMatch(/already active/);
  });

  it('Jen SelfActivates Owner at finance-prod: PendingApproval with an approvalId', async () => {
    const created = await jenMfa.roleAssignmentScheduleRequests.create(
      rg('finance-prod'),
      crypto.randomUUID(),
      activation(people.jen.id, jenOwnerEligibility, 'PT2H'),
    );
    expect(created.status).toBe('PendingApproval');
    expect(created.approvalId).toBe(`/providers/Microsoft.Authorization/roleAssignmentApprovals/${created.name}`);
    prodRequestName = created.name!;
    const mine = await all(jen.roleAssignmentScheduleRequests.listForScope(SUB, { filter: 'asRequestor()' }));
    expect(mine.find((r) => r.name === prodRequestName)?.status).toBe('PendingApproval');
  });

  it('Avery finds it asApprover() and approves the stage through sendRequest', async () => {
    const queue = await send(
      avery,
      server,
      'GET',
      '/providers/Microsoft.Authorization/roleAssignmentApprovals?api-version=2021-01-01-preview&$filter=asApprover()',
    );
    expect(queue.status).toBe(200);
    const approval = queue.json.value.find((a: { name: string }) => a.name === prodRequestName);
    expect(approval.properties.stages[0].properties).toMatchObject({
      status: 'InProgress',
      reviewResult: 'NotReviewed',
      assignedToMe: true,
    });
    const stageId = approval.properties.stages[0].id;
    // Owner requires MFA to approve (its default): with her personal token Avery is told to step up, in Azure's words
    const plain = await send(avery, server, 'PUT', `${stageId}?api-version=2021-01-01-preview`, {
      properties: { reviewResult: 'Approve', justification: 'Release window agreed' },
    });
    expect([plain.status, plain.json.error.message]).toEqual([400, 'The following policy rules failed: ["MfaRule"]']);
    expect(plain.json.error.details.map((d: { code: string }) => d.code)).toEqual(['MfaRule', 'StepUpTokenRequired']);
    const stepUp = await send(avery, server, 'POST', '/api/tokens/step-up', { code: totpCode(DEMO_TOTP_SECRET, Date.now()) });
    expect(stepUp.status).toBe(201);
    const review = await send(client(server, stepUp.json.token), server, 'PUT', `${stageId}?api-version=2021-01-01-preview`, {
      properties: { reviewResult: 'Approve', justification: 'Release window agreed' },
    });
    expect(review.status).toBe(200);
    expect(review.json.properties).toMatchObject({ status: 'Completed', reviewResult: 'Approve', justification: 'Release window agreed' });
    const again = await send(avery, server, 'PATCH', `${stageId}?api-version=2021-01-01-preview`, {
      reviewResult: 'Deny',
      justification: 'too late',
    });
    expect(again.status).toBe(409);
    expect(again.json.error.code).toBe('ApprovalAlreadyDecided');
    const jenAsApprover = await send(
      jen,
      server,
      'GET',
      '/providers/Microsoft.Authorization/roleAssignmentApprovals?api-version=2021-01-01-preview&$filter=asApprover()',
    );
    expect(jenAsApprover.json.value).toEqual([]);
  });

  it("Jen's approved activation appears as an assignment schedule instance", async () => {
    const request = await jen.roleAssignmentScheduleRequests.get(rg('finance-prod'), prodRequestName);
    expect(request.status).toBe('Provisioned');
    const instances = await all(jen.roleAssignmentScheduleInstances.listForScope(rg('finance-prod'), { filter: 'asTarget()' }));
    const owner = instances.find((i) => i.roleDefinitionId?.endsWith(OWNER));
    expect(owner).toMatchObject({ assignmentType: 'Activated', memberType: 'Direct', status: 'Provisioned', principalId: people.jen.id });
    expect(owner!.endDateTime!.getTime() - owner!.startDateTime!.getTime()).toBe(2 * 3_600_000);
    const vm = await all(jen.permissions.listForResource('finance-prod', 'Microsoft.Compute', '', 'virtualMachines', 'finance-prod-vm1'));
    expect(vm.some((p) => p.actions?.includes('*'))).toBe(true); // Owner on finance-prod reaches its VMs
    const dev = await all(jen.permissions.listForResourceGroup('finance-dev'));
    expect(dev).toEqual([]); // eligible there, but holds nothing until she activates
    const one = await jen.roleAssignmentScheduleInstances.get(rg('finance-prod'), owner!.name!);
    expect(one.linkedRoleEligibilityScheduleId?.split('/').pop()).toBe(jenOwnerEligibility.split('/').pop());
  });

  it('Steve reads and updates the Owner policy of finance-test; Jen may read but not update', async () => {
    const policies = await all(steve.roleManagementPolicies.listForScope(rg('finance-test')));
    expect(policies.length).toBe(4); // one per role, followed across pages of 2
    const owner = policies.find((p) => p.displayName === 'Owner')!;
    const rule = (p: typeof owner, id: string) =>
      p.rules!.find((r) => r.id === id) as { maximumDuration?: string; enabledRules?: string[] };
    expect(rule(owner, 'Expiration_EndUser_Assignment').maximumDuration).toBe('PT8H');
    expect(rule(owner, 'Enablement_EndUser_Assignment').enabledRules).toEqual(['MultiFactorAuthentication', 'Justification']);
    expect(owner.effectiveRules?.length).toBe(owner.rules?.length);
    const updated = await steve.roleManagementPolicies.update(rg('finance-test'), owner.name!, {
      rules: [
        {
          id: 'Expiration_EndUser_Assignment',
          ruleType: 'RoleManagementPolicyExpirationRule',
          isExpirationRequired: true,
          maximumDuration: 'PT4H',
          target: { caller: 'EndUser', level: 'Assignment', operations: ['All'] },
        } as never,
      ],
    });
    expect(rule(updated, 'Expiration_EndUser_Assignment').maximumDuration).toBe('PT4H');
    expect(updated.isOrganizationDefault).toBe(false);
    const got = await jen.roleManagementPolicies.get(rg('finance-test'), owner.name!);
    expect(rule(got, 'Expiration_EndUser_Assignment').maximumDuration).toBe('PT4H');
    // Jen holds Owner on finance-test now (her activation), which lets her manage there; finance-dev she does not manage
    const devOwner = (await all(jen.roleManagementPolicies.listForScope(rg('finance-dev')))).find((p) => p.displayName === 'Owner')!;
    const err = await restError(
      jen.roleManagementPolicies.update(rg('finance-dev'), devOwner.name!, {
        rules: [{ id: 'Expiration_EndUser_Assignment', ruleType: 'RoleManagementPolicyExpirationRule', maximumDuration: 'PT24H' } as never],
      }),
    );
    expect(err.statusCode).toBe(403);
    expect(err.code).toBe('AuthorizationFailed');
    const assignments = await all(steve.roleManagementPolicyAssignments.listForScope(rg('finance-test')));
    expect(assignments.find((a) => a.roleDefinitionId?.endsWith(OWNER))?.policyId).toBe(owner.id);
  });

  it('validate answers without writing; cancel withdraws a pending request (200)', async () => {
    const tooLong = await restError(
      jenMfa.roleAssignmentScheduleRequests.validate(
        rg('finance-dev'),
        crypto.randomUUID(),
        activation(people.jen.id, jenOwnerEligibility, 'PT9H'),
      ),
    );
    expect(tooLong.statusCode).toBe(400);
    expect(tooLong.code).toBe('RoleAssignmentRequestPolicyValidationFailed');
    expect(tooLong.message).toBe('The following policy rules failed: ["ExpirationRule"]');
    expect(JSON.stringify((tooLong.response as { parsedBody?: unknown } | undefined)?.parsedBody)).toMatch(/8 h is the maximum/);
    const before = (await all(jen.roleAssignmentScheduleRequests.listForScope(SUB, { filter: 'asRequestor()' }))).length;
    const ok = await jenMfa.roleAssignmentScheduleRequests.validate(
      rg('finance-dev'),
      crypto.randomUUID(),
      activation(people.jen.id, jenOwnerEligibility, 'PT1H'),
    );
    expect(ok.status).toBe('Provisioned');
    const wouldWait = await jenMfa.roleAssignmentScheduleRequests.validate(
      SUB,
      crypto.randomUUID(),
      activation(people.jen.id, jenOwnerEligibility, 'PT1H'),
    );
    expect(wouldWait.status).toBe('PendingApproval');
    expect((await all(jen.roleAssignmentScheduleRequests.listForScope(SUB, { filter: 'asRequestor()' }))).length).toBe(before);

    const pending = await jenMfa.roleAssignmentScheduleRequests.create(
      SUB,
      crypto.randomUUID(),
      activation(people.jen.id, jenOwnerEligibility, 'PT1H'),
    );
    expect(pending.status).toBe('PendingApproval');
    const forAvery = await all(avery.roleAssignmentScheduleRequests.listForScope(SUB, { filter: 'asApprover()' }));
    expect(forAvery.map((r) => r.name)).toEqual([pending.name]);
    expect(await all(steve.roleAssignmentScheduleRequests.listForScope(SUB, { filter: 'asApprover()' }))).toEqual([]); // Avery is named, so Steve is not asked
    await jen.roleAssignmentScheduleRequests.cancel(SUB, pending.name!);
    expect((await jen.roleAssignmentScheduleRequests.get(SUB, pending.name!)).status).toBe('Canceled');
    const twice = await restError(jen.roleAssignmentScheduleRequests.cancel(SUB, pending.name!));
    expect([twice.statusCode, twice.code]).toEqual([409, 'RoleAssignmentRequestAlreadyCanceled']);
  });

  it('role definitions, eligible child resources and a leading-slash scope work as in Azure', async () => {
    const owner = await all(jen.roleDefinitions.list(`/${SUB}`, { filter: "roleName eq 'Owner'" }));
    expect(owner.map((r) => [r.name, r.roleName, r.roleType])).toEqual([[OWNER, 'Owner', 'BuiltInRole']]);
    const byId = await jen.roleDefinitions.getById(roleDef(CONTRIBUTOR));
    expect(byId.roleName).toBe('Contributor');
    const children = await all(jen.eligibleChildResources.list(SUB, { filter: "resourceType eq 'resourcegroup'" }));
    expect(children.map((c) => c.name).sort()).toEqual(['finance-dev', 'finance-prod', 'finance-test']);
  });

  it('errors surface as RestError with ARM codes and status codes', async () => {
    const missing = await restError(jen.roleAssignmentScheduleRequests.get(SUB, crypto.randomUUID()));
    expect([missing.statusCode, missing.code]).toEqual([404, 'RoleAssignmentScheduleRequestNotFound']);

    const notAdmin = await restError(
      jen.roleEligibilityScheduleRequests.create(rg('finance-dev'), crypto.randomUUID(), {
        principalId: people.sam.id,
        roleDefinitionId: roleDef(OWNER),
        requestType: 'AdminAssign',
        scheduleInfo: { expiration: { type: 'AfterDuration', duration: 'P30D' } },
        justification: 'Trying my luck',
      }),
    );
    expect([notAdmin.statusCode, notAdmin.code]).toEqual([403, 'AuthorizationFailed']);

    const bogus = client(server, `elv_${'x'.repeat(43)}`);
    const unauth = await restError(bogus.roleEligibilitySchedules.listForScope(SUB).next());
    expect([unauth.statusCode, unauth.code]).toEqual([401, 'InvalidAuthenticationToken']);

    const badBody = await restError(
      steve.roleEligibilityScheduleRequests.create(SUB, crypto.randomUUID(), {
        principalId: people.jen.id,
        roleDefinitionId: roleDef(OWNER),
        requestType: 'AdminExplode' as never,
      }),
    );
    expect([badBody.statusCode, badBody.code]).toEqual([400, 'InvalidRequestContent']);

    const badVersion = await send(
      jen,
      server,
      'GET',
      `/${SUB}/providers/Microsoft.Authorization/roleEligibilitySchedules?api-version=1999-01-01`,
    );
    expect([badVersion.status, badVersion.json.error.code]).toEqual([400, 'InvalidApiVersionParameter']);
    const badPath = await send(
      jen,
      server,
      'GET',
      `/subscriptions/${SUB.split('/')[1]}/resourceGroups/providers/Microsoft.Authorization/roleEligibilitySchedules?api-version=2020-10-01`,
    );
    expect([badPath.status, badPath.json.error.code]).toEqual([400, 'InvalidScope']);
    const badFilter = await send(
      jen,
      server,
      'GET',
      `/${SUB}/providers/Microsoft.Authorization/roleEligibilitySchedules?api-version=2020-10-01&$filter=${encodeURIComponent('drop table')}`,
    );
    expect([badFilter.status, badFilter.json.error.code]).toEqual([400, 'InvalidFilter']);
    const unknownScope = await restError(jen.roleEligibilitySchedules.listForScope(rg('finance-nowhere')).next());
    expect([unknownScope.statusCode, unknownScope.code]).toEqual([404, 'ResourceNotFound']);
  });

  it('scope paths compare case-insensitively and nextLink points at this server', async () => {
    const upper = await all(
      jen.roleEligibilitySchedules.listForScope(SUB.toUpperCase().replace('SUBSCRIPTIONS', 'subscriptions'), { filter: 'asTarget()' }),
    );
    expect(upper.length).toBe(2);
    const first = await send(steve, server, 'GET', `/${SUB}/providers/Microsoft.Authorization/roleDefinitions?api-version=2022-04-01`);
    expect(first.json.value.length).toBe(2);
    expect(first.json.nextLink.startsWith(`${server.baseUrl}/`)).toBe(true);
  });

  it('Jen deactivates her finance-test activation; Steve removes the finance-dev eligibility', async () => {
    const deactivated = await jen.roleAssignmentScheduleRequests.create(rg('finance-test'), crypto.randomUUID(), {
      principalId: people.jen.id,
      roleDefinitionId: roleDef(OWNER),
      requestType: 'SelfDeactivate',
      justification: 'Release done',
    });
    expect([deactivated.requestType, deactivated.status]).toEqual(['SelfDeactivate', 'Provisioned']);
    const held = await all(jen.roleAssignmentScheduleInstances.listForScope(rg('finance-test'), { filter: 'asTarget()' }));
    expect(held.filter((i) => i.assignmentType === 'Activated')).toEqual([]);

    const removed = await steve.roleEligibilityScheduleRequests.create(rg('finance-dev'), crypto.randomUUID(), {
      principalId: people.jen.id,
      roleDefinitionId: roleDef(CONTRIBUTOR),
      requestType: 'AdminRemove',
      justification: 'Cover ended early',
    });
    expect([removed.requestType, removed.status]).toEqual(['AdminRemove', 'Provisioned']);
    const left = await all(jen.roleEligibilitySchedules.listForScope(rg('finance-dev'), { filter: 'asTarget()' }));
    expect(left.map((s) => s.roleDefinitionId?.split('/').pop())).toEqual([OWNER]);
    const ownerSchedule = await jen.roleEligibilitySchedules.get(SUB, jenOwnerEligibility.split('/').pop()!);
    expect(ownerSchedule.expandedProperties?.principal?.displayName).toBe('Jen');
    const hidden = await restError(avery.roleEligibilitySchedules.get(SUB, jenOwnerEligibility.split('/').pop()!));
    expect(hidden.statusCode).toBe(404); // Avery manages nothing here and it is not hers
  });

  it("Steve moves the end of Sam's active Reader assignment (AdminUpdate), keeping its start", async () => {
    const before = (
      await all(steve.roleAssignmentSchedules.listForScope(rg('finance-dev'), { filter: `principalId eq '${people.sam.id}'` }))
    ).find((s) => s.roleDefinitionId?.endsWith('acdd72a7-3385-48ef-bd42-f606fba81ae7'))!;
    const end = new Date(Date.now() + 60 * 86_400_000);
    const updated = await steve.roleAssignmentScheduleRequests.create(rg('finance-dev'), crypto.randomUUID(), {
      principalId: people.sam.id,
      roleDefinitionId: roleDef('acdd72a7-3385-48ef-bd42-f606fba81ae7'),
      requestType: 'AdminUpdate',
      scheduleInfo: { expiration: { type: 'AfterDateTime', endDateTime: end } },
      justification: 'Audit runs longer',
    });
    expect([updated.requestType, updated.status]).toEqual(['AdminUpdate', 'Provisioned']);
    const after = await steve.roleAssignmentSchedules.get(rg('finance-dev'), before.name!);
    expect(after.startDateTime?.getTime()).toBe(before.startDateTime?.getTime());
    expect(after.endDateTime?.getTime()).toBe(end.getTime());
    expect(after.assignmentType).toBe('Assigned');
    const noEnd = await restError(
      steve.roleEligibilityScheduleRequests.create(rg('finance-dev'), crypto.randomUUID(), {
        principalId: people.sam.id,
        roleDefinitionId: roleDef(OWNER),
        requestType: 'AdminAssign',
        justification: 'forgot the end',
      }),
    );
    expect([noEnd.statusCode, noEnd.code]).toEqual([400, 'InvalidScheduleInfo']);
  });

  it('lists 250 eligibilities across nextLink pages, each exactly once, while rows arrive between pages', async () => {
    // a subscription of its own under the root, so no other case's lists change
    const subId = '7d0c3b2a-9e8f-4a1b-8c2d-3e4f5a6b7c8d';
    const scopeArm = `/subscriptions/${subId}`;
    const { db, sqlite } = openDatabase(server.dbFile);
    const made: string[] = [];
    const insert =
      sqlite.prepare(`INSERT INTO eligibility_schedules (id, principal_type, principal_id, role_id, scope_id, start_at, end_at, created_at, updated_at)
      VALUES (?, 'User', ?, ?, ?, ?, ?, ?, ?)`);
    const at = Date.now();
    const add = (n: number, createdAt: number) => {
      const id = crypto.randomUUID();
      insert.run(
        id,
        [people.jen.id, people.sam.id, people.avery.id][n % 3],
        CONTRIBUTOR,
        scopeArm.toLowerCase(),
        at - 60_000,
        at + 30 * 86_400_000,
        createdAt,
        createdAt,
      );
      return id;
    };
    try {
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
      // a third of them share one creation time: the id orders the ties
      for (let i = 0; i < 250; i++) made.push(add(i, i % 3 === 0 ? at - 1000 : at - 1000 - i));
      const seen: string[] = [];
      let pages = 0;
      for await (const page of steve.roleEligibilitySchedules.listForScope(`subscriptions/${subId}`).byPage()) {
        seen.push(...page.map((s) => s.name!));
        pages++;
        // newer and older rows written while the client pages: never an item twice, none of the 250 missed
        add(pages, at + pages);
        add(pages, at - 10_000_000 - pages);
      }
      expect(pages).toBeGreaterThan(100); // ELEVATE_API_PAGE_SIZE=2
      expect(new Set(seen).size).toBe(seen.length);
      expect(made.every((id) => seen.includes(id))).toBe(true);
      const instances = await all(
        steve.roleEligibilityScheduleInstances.listForScope(`subscriptions/${subId}`, {
          filter: `roleDefinitionId eq '${roleDef(CONTRIBUTOR)}'`,
        }),
      );
      expect(new Set(instances.map((i) => i.name)).size).toBe(instances.length);
      expect(made.every((id) => instances.some((i) => i.name === id))).toBe(true);
      const garbage = await send(
        steve,
        server,
        'GET',
        `${scopeArm}/providers/Microsoft.Authorization/roleEligibilitySchedules?api-version=2020-10-01&$skipToken=not-one-of-ours`,
      );
      expect([garbage.status, garbage.json.error.code]).toEqual([400, 'InvalidSkipToken']);
    } finally {
      sqlite.close();
    }
  });

  it('the test certificate is trusted only where it is given: no certificate checks are turned off', async () => {
    const status = await new Promise<number>((resolve) => {
      https
        .get(`${server.baseUrl}/api/health`, { ca: server.ca }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        })
        .on('error', () => resolve(0));
    });
    expect(status).toBe(200);
    const untrusted = await new Promise<string>((resolve) => {
      https
        .get(`${server.baseUrl}/api/health`, (res) => {
          res.resume();
          resolve('trusted');
        })
        .on('error', (e) => resolve((e as NodeJS.ErrnoException).code ?? 'error'));
    });
    expect(untrusted).toMatch(/SELF_SIGNED|UNABLE_TO_VERIFY|DEPTH_ZERO/);
  });
});
