import { config } from '@/lib/config';
import { crossOriginProblem, isStateChanging } from './request-guard.mjs';

/**
 * Every state-changing route handler under app/api starts with this (ADR 091): a request
 * another site's page made (its `Origin` or `Sec-Fetch-Site` says so) is refused with
 * 403 before anything else runs, as Next refuses such server actions. Same origin is the
 * request's own host or the configured public URL. Returns null when the request may go on.
 */
export function refuseCrossOrigin(req: Request): Response | null {
  if (!isStateChanging(req.method)) return null;
  const problem = crossOriginProblem({ headers: req.headers, publicUrl: config().publicUrl });
  if (!problem) return null;
  return Response.json(
    { error: { code: 'CrossOriginRequest', message: problem } },
    { status: 403, headers: { 'Cache-Control': 'no-store' } },
  );
}
