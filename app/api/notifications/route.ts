import { NextResponse } from 'next/server';
import { z } from 'zod';
import { getDb } from '@/lib/db';
import { getCurrentUser } from '@/lib/auth/session';
import { inbox, markRead } from '@/lib/activation';
import { refuseCrossOrigin } from '@/lib/http/origin';

export const dynamic = 'force-dynamic';

const unauthenticated = () => NextResponse.json({ error: { code: 'Unauthenticated', message: 'Sign in again.' } }, { status: 401 });

/** The signed-in user's own notifications and unread count (the bell polls this). */
export async function GET() {
  const user = await getCurrentUser();
  if (!user) return unauthenticated();
  return NextResponse.json(inbox(getDb(), user.id), { headers: { 'Cache-Control': 'no-store' } });
}

const markSchema = z.object({ ids: z.array(z.string().min(1).max(100)).max(200).optional() });

/** Marks the given notifications (or all) of the signed-in user read. */
export async function POST(req: Request) {
  const refused = refuseCrossOrigin(req);
  if (refused) return refused;
  const user = await getCurrentUser();
  if (!user) return unauthenticated();
  const parsed = markSchema.safeParse(await req.json().catch(() => ({})));
  if (!parsed.success)
    return NextResponse.json({ error: { code: 'InvalidRequest', message: 'ids must be a list of notification ids' } }, { status: 400 });
  const changed = markRead(getDb(), user.id, parsed.data.ids, Date.now());
  return NextResponse.json({ changed, ...inbox(getDb(), user.id) });
}
