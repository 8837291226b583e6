export {
  ACCESS_KEY_SHAPE,
  ACCESS_PAGE_SIZE,
  SEARCH_LIMIT,
  accessAt,
  accessList,
  authorizeUserView,
  findResources,
  resourceHolders,
  type AccessList,
  type AccessRow,
  type HolderRow,
  type ResourceAnswer,
  type ResourceHit,
  type ResourceHolders,
} from './service';
export { fileLabel, resourceAccessCsv, userAccessCsv } from './csv';
export type { RoleSentence, WindowPhrase } from './wording';
