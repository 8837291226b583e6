/**
 * The requester's side of Elevate: activation (one or many roles, one or many scopes,
 * MFA step-up), self deactivate / extend / renew, cancel, and the queries My roles and
 * My requests show. Every decision comes from lib/policy.
 */
export {
  submitActivation,
  submitActivations,
  validateActivation,
  validateActivations,
  type ActivationInput,
  type ActivationItem,
  type ActivationShared,
  type ActivationSubmission,
  type SubmittedRequest,
  type ScopeEvaluation,
  type SubmitOpts,
} from './submit';
export { submitSelfRequest, cancelOwnRequest, type SelfRequestInput, type SelfRequestResultRow } from './self';
export { provisionApprovedRequest, type ProvisionResult } from './provision';
export { sweepEndingSoon, ENDING_SOON_MINUTES } from './sweep';
export {
  myRoles,
  ROLES_PAGE_SIZE,
  type MyRoles,
  type MyRolesOpts,
  type EligibleRow,
  type ActiveRow,
  type ExpiredRow,
  type ActivationTarget,
  type ScopeChoice,
} from './my-roles';
export { myRequests, requestDetail, type RequestView, type MyRequestsFilters, type TimelineStep } from './requests-query';
export { inbox, markRead, type InboxItem } from './inbox';
