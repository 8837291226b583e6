import type { Collection } from './path';
import { badRequest } from './errors';

/**
 * The api-versions each collection answers, as the issue and @azure/arm-authorization v9
 * use them: PIM resources 2020-10-01, role definitions and permissions 2022-04-01,
 * approvals 2021-01-01-preview, classic role assignments 2022-04-01. The shapes Elevate returns are those versions' shapes;
 * close preview versions with the same shapes are accepted so existing scripts keep working.
 */
const PIM = ['2020-10-01', '2020-10-01-preview', '2022-04-01-preview'];
const VERSIONS: Record<Collection, readonly string[]> = {
  roleEligibilityScheduleRequests: PIM,
  roleAssignmentScheduleRequests: PIM,
  roleEligibilitySchedules: PIM,
  roleAssignmentSchedules: PIM,
  roleEligibilityScheduleInstances: PIM,
  roleAssignmentScheduleInstances: PIM,
  roleManagementPolicies: PIM,
  roleManagementPolicyAssignments: PIM,
  eligibleChildResources: PIM,
  roleDefinitions: ['2022-04-01', '2018-01-01-preview', '2015-07-01'],
  permissions: ['2022-04-01', '2018-01-01-preview', '2015-07-01'],
  roleAssignmentApprovals: ['2021-01-01-preview'],
  // classic role assignments (read-only here): @azure/arm-authorization v9 sends 2022-04-01
  roleAssignments: ['2022-04-01', '2020-10-01-preview', '2020-04-01-preview', '2015-07-01'],
};

export function checkApiVersion(collection: Collection, apiVersion: string | null): string {
  const supported = VERSIONS[collection];
  if (!apiVersion) {
    throw badRequest(
      'MissingApiVersionParameter',
      `The api-version query parameter is required. Use api-version=${supported[0]} for ${collection}.`,
    );
  }
  if (!supported.includes(apiVersion)) {
    throw badRequest(
      'InvalidApiVersionParameter',
      `The api-version '${apiVersion}' is not supported for Microsoft.Authorization/${collection}. Supported versions: ${supported.join(', ')}.`,
    );
  }
  return apiVersion;
}
