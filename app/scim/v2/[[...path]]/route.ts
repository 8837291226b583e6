import { getDb } from '@/lib/db';
import { config } from '@/lib/config';
import { handleScim, scimLogLine } from '@/lib/scim/http';

/**
 * SCIM 2.0 (RFC 7644) for identity providers' provisioning services: /scim/v2/Users,
 * /Groups, /ServiceProviderConfig, /ResourceTypes, /Schemas (ADR 102). Authenticated by a
 * SCIM bearer token in lib/scim/http.ts, which also authorizes, validates and answers in
 * SCIM's shapes; one log line per call, without the query.
 */
export const dynamic = 'force-dynamic';

async function serve(req: Request): Promise<Response> {
  const started = performance.now();
  const res = await handleScim(req, { db: getDb(), now: Date.now, publicUrl: config().publicUrl });
  console.log(scimLogLine(req.method, new URL(req.url).pathname, res.status, performance.now() - started));
  return res;
}

export const GET = serve;
export const POST = serve;
export const PUT = serve;
export const PATCH = serve;
export const DELETE = serve;
