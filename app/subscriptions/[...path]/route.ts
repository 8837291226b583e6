import { allowedMethods, handleArm } from '@/lib/arm/dispatch';
import { armTransport } from '@/lib/arm/transport';

/**
 * Azure Resource Manager paths under a subscription (/subscriptions/{id}/…), in any
 * casing (proxy.ts sends `/Subscriptions/…` here). armTransport adds request ids, the
 * media-type check, `Allow` on 405s and the log line.
 */
export const dynamic = 'force-dynamic';
const serve = armTransport(handleArm, allowedMethods);
export const GET = serve;
export const HEAD = serve;
export const PUT = serve;
export const POST = serve;
export const PATCH = serve;
export const DELETE = serve;
export const OPTIONS = serve;
