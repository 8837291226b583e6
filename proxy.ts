import { NextResponse, type NextRequest } from 'next/server';
import { ArmError } from '@/lib/arm/errors';
import { newRequestIds } from '@/lib/arm/request-id';
import { apiLogLine, armErrorJson, armRoutePath, isBareArmPath, logPath } from '@/lib/arm/transport';

/**
 * An optimistic check only: a signed-out visitor to a portal page goes to sign-in.
 * Pages, server actions and route handlers each verify the session themselves.
 * It also passes the requested path on, so a page can send people back after sign-in.
 */
const PUBLIC = [
  /^\/sign-in/,
  /^\/link-account$/,
  /^\/api\//,
  /^\/_next\//,
  /^\/favicon/,
  /^\/icons\//,
  /^\/manifest\.webmanifest$/,
  /^\/providers\//,
  /^\/subscriptions\//,
  /^\/robots\.txt$/,
];

export function proxy(req: NextRequest) {
  const { pathname, search } = req.nextUrl;
  // ARM paths are case-insensitive: `/Subscriptions/…`, `/PROVIDERS/…` go to the API's
  // routes (which authenticate themselves), never to sign-in
  if (isBareArmPath(pathname)) return bareArmPath(req);
  const armPath = armRoutePath(pathname);
  if (armPath !== null) {
    const url = req.nextUrl.clone();
    url.pathname = armPath;
    return NextResponse.rewrite(url);
  }
  const headers = new Headers(req.headers);
  headers.set('x-elevate-path', pathname + search);
  if (PUBLIC.some((r) => r.test(pathname))) return NextResponse.next({ request: { headers } });
  const hasSession = req.cookies.has('__Secure-next-auth.session-token') || req.cookies.has('next-auth.session-token');
  if (!hasSession) {
    const url = req.nextUrl.clone();
    url.pathname = '/sign-in';
    url.search = pathname === '/' ? '' : `?callbackUrl=${encodeURIComponent(pathname + search)}`;
    return NextResponse.redirect(url);
  }
  return NextResponse.next({ request: { headers } });
}

/** `/subscriptions` or `/providers` alone: no route serves them, and the API answers in JSON, never with a page. */
function bareArmPath(req: NextRequest): Response {
  const started = performance.now();
  const ids = newRequestIds(req.headers);
  const res = armErrorJson(
    new ArmError(
      404,
      'InvalidResourceType',
      `Elevate serves only Microsoft.Authorization resources; "${req.nextUrl.pathname}" is not one.`,
    ),
    ids,
    req.headers,
  );
  console.log(apiLogLine(req.method, logPath(req.nextUrl), res.status, performance.now() - started, ids));
  return res;
}

// API paths (ARM, /api, SCIM) authenticate themselves and never redirect: skipping the proxy
// for them saves a pass through it on every API call
export const config = { matcher: ['/((?!_next/static|_next/image|favicon.ico|api/|subscriptions/|providers/|scim/).*)'] };
