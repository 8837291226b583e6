import 'server-only';
import { cache, createElement } from 'react';
import { forbidden } from 'next/navigation';
import { Forbidden } from '@/components/admin/forbidden';

type Why = { reason?: string; hint?: string };

/**
 * The refusal of an admin page, rendered as the page itself: `if (!allowed) return refusal(…)`.
 * It says why and what to do, like a 403, but answers 200 — a 403 document makes the browser
 * log an error in the console of everyone who opens a link they may not use, and nothing went
 * wrong. Actions and route handlers still refuse with their own errors; this is the page only.
 */
export function refusal(why: Why = {}) {
  return createElement(Forbidden, why);
}

/** What the 403 page should say; forbidden.tsx takes no props, so it reads this per-request store. */
const detail = cache((): Why => ({}));

/**
 * Refuses the page with HTTP 403 (forbidden.tsx). Prefer `refusal()`, which shows the same
 * page without an error status; this stays for a refusal deep inside a helper that cannot return.
 */
export function deny(why: Why = {}): never {
  Object.assign(detail(), why);
  forbidden();
}

export const deniedDetail = () => detail();
