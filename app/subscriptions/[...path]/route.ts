import { handleArm } from '@/lib/arm/dispatch';

/** Azure Resource Manager paths under a subscription (/subscriptions/{id}/…). */
export const dynamic = 'force-dynamic';
export const GET = handleArm;
export const PUT = handleArm;
export const POST = handleArm;
export const PATCH = handleArm;
export const DELETE = handleArm;
