/**
 * The incremental operations on a PolicyIndex (ADR 012): each replaces or removes one
 * fact everywhere the index holds it. lib/tenant applies the change log with these.
 */
export {
  putResourceFact,
  removeResource,
  putRoleFact,
  removeRole,
  putUserFact,
  removeUser,
  putGroupFact,
  removeGroup,
  putScheduleFact,
  removeSchedule,
  putSettingsFact,
  removeSettings,
  putRequestFact,
  removeRequest,
} from './tenant-index';
