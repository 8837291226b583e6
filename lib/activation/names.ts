import type { PolicyIndex } from '@/lib/policy';
import { scopePathText } from '@/lib/portal/scope-path';

/**
 * Short scope name for titles ("finance-prod"), the full path elsewhere. Names for the
 * engine's describe() are lib/resources/names.ts's nameLookup, the one lookup.
 */
export function scopeName(index: PolicyIndex, id: string): string {
  const path = scopePathText(index, id).split(' › ');
  return path[path.length - 1] || id;
}
