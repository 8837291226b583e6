import 'server-only';
import type { DbOrTx } from '@/db/client';
import type { Seek } from '@/lib/portal/keyset';
import { parseAuditSearch, type AuditSearch, type RawSearch } from './filters';
import { peopleReach, resolvePerson, type AuditViewer, type PersonChoice } from './people';
import { auditEventTypes, matchingEventTypes, type AuditFilters } from './query';

export interface AuditSearchResult {
  filters: AuditFilters;
  seek: Seek;
  /** what links carry on: a resolved actor or principal as its id, unusable values dropped */
  sp: AuditSearch;
  problems: string[];
  /** what the search boxes show */
  typed: { actor?: string; principal?: string };
  /** a word that named several people: pick one */
  choices: { actor?: PersonChoice[]; principal?: PersonChoice[] };
  eventTypes: string[];
}

/**
 * The audit filters of a URL, resolved in SQL: the actor and the principal to one
 * user or group (or a few to pick from), the action to event types from the indexed list
 * of distinct types. Nothing here reads the log itself, except, for a viewer who may not
 * search the directory (peopleReach), their own events: whom the boxes may find.
 */
export function resolveAuditSearch(db: DbOrTx, raw: RawSearch, viewer: AuditViewer): AuditSearchResult {
  const parsed = parseAuditSearch(raw);
  const sp = { ...parsed.sp };
  const problems = [...parsed.problems];
  const typed: AuditSearchResult['typed'] = {};
  const choices: AuditSearchResult['choices'] = {};
  const filters: AuditFilters = { from: parsed.from, to: parsed.to, roleId: parsed.roleId };
  const reach = peopleReach(viewer);
  const among = reach.kind === 'met' ? ' in your audit' : '';

  const person = (key: 'actor' | 'principal', label: string, withGroups: boolean): string | undefined => {
    const text = sp[key];
    if (!text) return undefined;
    typed[key] = text;
    const r = resolvePerson(db, text, { withGroups, reach });
    if (r.kind === 'one') {
      sp[key] = r.choice.id;
      typed[key] = r.choice.text;
      return r.choice.id;
    }
    sp[key] = undefined;
    if (r.kind === 'many') {
      choices[key] = r.choices;
      problems.push(`Several match the ${label} “${text}”; pick one below. The ${label} filter was not used.`);
    } else {
      problems.push(`No user${withGroups ? ' or group' : ''}${among} matches the ${label} “${text}”; the ${label} filter was not used.`);
    }
    return undefined;
  };
  filters.actorId = person('actor', 'actor', false);
  filters.principalId = person('principal', 'principal', true);

  const eventTypes = auditEventTypes(db);
  if (sp.action) {
    const actions = matchingEventTypes(eventTypes, sp.action);
    if (actions.length) filters.actions = actions;
    else {
      problems.push(`No event type contains “${sp.action}”; the action filter was not used.`);
      sp.action = undefined;
    }
  }
  return { filters, seek: parsed.seek, sp, problems, typed, choices, eventTypes };
}
