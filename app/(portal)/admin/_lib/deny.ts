import 'server-only';
import { cache } from 'react';
import { forbidden } from 'next/navigation';

/** What the 403 page should say; forbidden.tsx takes no props, so it reads this per-request store. */
const detail = cache((): { reason?: string; hint?: string } => ({}));

/** Refuses the page with HTTP 403 and the reason (and, for eligible-only holders, what to do). */
export function deny(why: { reason?: string; hint?: string } = {}): never {
  Object.assign(detail(), why);
  forbidden();
}

export const deniedDetail = () => detail();
