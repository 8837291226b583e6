import { handleArm } from '@/lib/arm/dispatch';

/** Azure Resource Manager paths that start at a management group or at the tenant (/providers/…). */
export const dynamic = 'force-dynamic';
export const GET = handleArm;
export const PUT = handleArm;
export const POST = handleArm;
export const PATCH = handleArm;
export const DELETE = handleArm;
