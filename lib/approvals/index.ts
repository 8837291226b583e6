/**
 * The approver inbox: decide pending requests (alone or in bulk), read the queue, the
 * history and one request's detail, cancel as administrator, store time-outs.
 * Approval id = stage id = request id (single-stage approvals).
 */
export {
  decide,
  decideMany,
  type DecideInput,
  type DecideOptions,
  type DecideResult,
  type DecideManyResult,
  type DecisionKind,
} from './decide';
export { pendingApprovals, pendingApprovalCount, decidableRequestIds, decisionHistory, pendingInScopesManagedBy } from './queries';
export { requestDetail, type RequestDetail, type HeldAccess } from './detail';
export { cancelRequestAsAdmin } from './cancel';
export { sweepTimeouts } from './timeouts';
export { filterApprovals, sortApprovals } from './filter';
export { settledMessage, decisionOf } from './settled';
export type { ApprovalItem, ApprovalFilters, ApprovalSort, HistoryItem } from './types';
