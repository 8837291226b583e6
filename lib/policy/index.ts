/**
 * Elevate's policy engine: pure functions over an indexed TenantSnapshot. No I/O and no
 * clock: every question takes `now`/`at` explicitly. Import from '@/lib/policy'.
 */
export * from './types';
export * from './constants';
export * from './reasons';
export * from './time';
export {
  buildPolicyIndex,
  emptyPolicyIndex,
  pathOf,
  isManaged,
  isAncestorOrSelf,
  isNodeUnder,
  descendantsOf,
  descendantNodes,
  nodeOf,
  requestKey,
  type PolicyIndex,
  type ResourceNode,
} from './tenant-index';
export * as indexOps from './index-ops';
export {
  defaultSettingsFor,
  settingsFor,
  settingsAtNode,
  validateSettings,
  type GoverningSettings,
  type SettingsViolation,
} from './settings';
export * from './access';
export * from './approval';
export * from './activation';
export * from './admin';
export * from './weaker';
export { blueWidgetCo, BWC } from './fixtures/blue-widget';
export * from './connectors';
export * from './duplicates';
export * from './visibility';
export * from './approved';
export * from './notices';
export * from './explain';
