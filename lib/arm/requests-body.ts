import { z } from 'zod';

/**
 * The PUT / validate body of roleEligibilityScheduleRequests and
 * roleAssignmentScheduleRequests (ARM 2020-10-01), with or without extra read-only
 * fields that clients echo back. Unknown properties are ignored as ARM does.
 */
const text = (max: number) => z.string().max(max).nullish();

export const REQUEST_TYPES = [
  'AdminAssign',
  'AdminUpdate',
  'AdminRemove',
  'AdminExtend',
  'AdminRenew',
  'SelfActivate',
  'SelfDeactivate',
  'SelfExtend',
  'SelfRenew',
] as const;
export type ArmRequestType = (typeof REQUEST_TYPES)[number];

export const ScheduleInfoSchema = z.object({
  startDateTime: z.string().nullish(),
  expiration: z
    .object({
      type: z.enum(['AfterDuration', 'AfterDateTime', 'NoExpiration']).nullish(),
      endDateTime: z.string().nullish(),
      duration: z.string().nullish(),
    })
    .nullish(),
});

export const RequestBodySchema = z.object({
  properties: z.object(
    {
      principalId: z.string().min(1, 'principalId is required').max(100),
      roleDefinitionId: z.string().min(1, 'roleDefinitionId is required').max(1000),
      requestType: z.enum(REQUEST_TYPES, { message: `requestType must be one of ${REQUEST_TYPES.join(', ')}` }),
      scheduleInfo: ScheduleInfoSchema.nullish(),
      justification: text(2000),
      ticketInfo: z.object({ ticketNumber: text(200), ticketSystem: text(200) }).nullish(),
      linkedRoleEligibilityScheduleId: text(1000),
      targetRoleEligibilityScheduleId: text(1000),
      targetRoleEligibilityScheduleInstanceId: text(1000),
      targetRoleAssignmentScheduleId: text(1000),
      targetRoleAssignmentScheduleInstanceId: text(1000),
      condition: text(4000),
      conditionVersion: text(10),
    },
    { message: 'properties is required' },
  ),
});
export type RequestBody = z.infer<typeof RequestBodySchema>['properties'];

/** Cancel takes no body from the SDK; an administrator canceling someone else's request may give a justification. */
export const CancelBodySchema = z
  .object({ justification: z.string().max(2000).optional() })
  .or(z.object({ properties: z.object({ justification: z.string().max(2000).optional() }) }));
