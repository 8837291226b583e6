import 'server-only';
import { getDb } from '@/db';
import type { Db } from '@/db/client';
import { checkApiVersion } from './api-version';
import { listApprovals, getApproval, listStages, getStage, reviewStage } from './approvals';
import { authenticate } from './auth';
import { createContext, type ArmContext } from './context';
import { ArmError, toArmError } from './errors';
import { armErrorResponse } from './http';
import { requestOrigin } from './paging';
import { parseArmPath, type ArmRoute } from './path';
import { getPolicy, getPolicyAssignment, listPolicies, listPolicyAssignments, patchPolicy } from './policies';
import { cancelRequest, getRequest, listRequests } from './requests-read';
import { createRequest, validateRequest } from './requests-write';
import { getRoleDefinition, listEligibleChildResources, listPermissions, listRoleDefinitions } from './roles';
import { getRoleAssignment, listRoleAssignments, refuseRoleAssignmentChange } from './role-assignments';
import { getSchedule, listSchedules } from './schedules';

type Handler = (ctx: ArmContext, req: Request) => Response | Promise<Response>;

function notAllowed(ctx: ArmContext): never {
  const r = ctx.route;
  const what = [r.collection, r.name && '{name}', r.action, r.childName && '{name}'].filter(Boolean).join('/');
  throw new ArmError(405, 'MethodNotAllowed', `${ctx.method} is not supported on Microsoft.Authorization/${what}.`);
}

/** Which handler answers (collection, method, shape of the path). */
function pick(route: ArmRoute, method: string): Handler | null {
  const { collection: c, name, action, childName } = route;
  const plain = action === undefined;
  switch (c) {
    case 'roleEligibilityScheduleRequests':
    case 'roleAssignmentScheduleRequests': {
      const kind = c === 'roleEligibilityScheduleRequests' ? 'eligibility' : 'assignment';
      if (method === 'GET' && !name) return (ctx) => listRequests(ctx, kind);
      if (method === 'GET' && name && plain) return (ctx) => getRequest(ctx, kind, name);
      if (method === 'PUT' && name && plain) return (ctx, req) => createRequest(ctx, kind, req, name);
      if (method === 'POST' && name && action === 'cancel' && !childName) return (ctx, req) => cancelRequest(ctx, kind, name, req);
      if (method === 'POST' && name && action === 'validate' && !childName) return (ctx, req) => validateRequest(ctx, kind, name, req);
      return null;
    }
    case 'roleEligibilitySchedules':
    case 'roleAssignmentSchedules':
    case 'roleEligibilityScheduleInstances':
    case 'roleAssignmentScheduleInstances': {
      const kind = c.startsWith('roleEligibility') ? 'eligibility' : 'assignment';
      const view = c.endsWith('Instances') ? 'instance' : 'schedule';
      if (method !== 'GET' || !plain) return null;
      return name ? (ctx) => getSchedule(ctx, kind, view, name) : (ctx) => listSchedules(ctx, kind, view);
    }
    case 'roleManagementPolicies':
      if (!plain) return null;
      if (method === 'GET') return name ? (ctx) => getPolicy(ctx, name) : listPolicies;
      if (method === 'PATCH' && name) return (ctx, req) => patchPolicy(ctx, name, req);
      return null;
    case 'roleManagementPolicyAssignments':
      if (method !== 'GET' || !plain) return null;
      return name ? (ctx) => getPolicyAssignment(ctx, name) : listPolicyAssignments;
    case 'roleDefinitions':
      if (method !== 'GET' || !plain) return null;
      return name ? (ctx) => getRoleDefinition(ctx, name) : listRoleDefinitions;
    case 'eligibleChildResources':
      return method === 'GET' && !name ? listEligibleChildResources : null;
    case 'permissions':
      return method === 'GET' && !name ? listPermissions : null;
    case 'roleAssignmentApprovals':
      if (method === 'GET' && !name) return listApprovals;
      if (!name) return null;
      if (method === 'GET' && plain) return (ctx) => getApproval(ctx, name);
      if (action !== 'stages') return null;
      if (method === 'GET') return childName ? (ctx) => getStage(ctx, name, childName) : (ctx) => listStages(ctx, name);
      if ((method === 'PUT' || method === 'PATCH') && childName) return (ctx, req) => reviewStage(ctx, name, childName, req);
      return null;
    case 'roleAssignments':
      if (!plain) return null;
      if (method === 'GET') return name ? (ctx) => getRoleAssignment(ctx, name) : listRoleAssignments;
      // every change is a governed request: PUT and DELETE answer which request to send
      if ((method === 'PUT' || method === 'DELETE') && name) return refuseRoleAssignmentChange;
      return null;
  }
}

/** The methods a path supports, for the `Allow` header of a 405; null when the path is not one of ours. */
export function allowedMethods(pathname: string): string[] | null {
  let route: ArmRoute;
  try {
    route = parseArmPath(pathname);
  } catch {
    return null;
  }
  return ['GET', 'PUT', 'POST', 'PATCH', 'DELETE'].filter((m) => pick(route, m) !== null);
}

/**
 * The one entry point of the Azure-compatible API: parse the path, check the
 * api-version, authenticate the bearer token, resolve the scope, then hand over to the
 * resource's handler. Every failure becomes ARM's `{error: {code, message}}`.
 */
export async function handleArm(req: Request): Promise<Response> {
  try {
    return await serveArm(getDb(), req, Date.now());
  } catch (e) {
    return armErrorResponse(toArmError(e));
  }
}

/** handleArm over a given database and clock, so service tests drive the API end to end. */
export async function serveArm(db: Db, req: Request, now: number): Promise<Response> {
  try {
    const url = new URL(req.url);
    const route = parseArmPath(url.pathname);
    checkApiVersion(route.collection, url.searchParams.get('api-version'));
    const who = authenticate(db, req.headers.get('authorization'), now);
    const ctx = createContext(
      db,
      who.user,
      who.mfaVerifiedAt,
      route,
      { method: req.method, url, origin: requestOrigin(url, req.headers) },
      now,
    );
    const handler = pick(route, req.method);
    if (!handler) notAllowed(ctx);
    return await handler(ctx, req);
  } catch (e) {
    return armErrorResponse(toArmError(e));
  }
}
