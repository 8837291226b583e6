import { z } from 'zod';
import { fileLabel, userAccessCsv } from '@/lib/access';
import { csvDownload, csvRouteUser, refusalOf, refuse } from '@/lib/http/csv-route';

export const dynamic = 'force-dynamic';

const userId = z.string().trim().min(1).max(200);

/** "Access of <user>" as CSV. Authenticates and authorizes by itself: one's own, or a tenant PIM administrator. */
export async function GET(_req: Request, { params }: { params: Promise<{ id: string }> }) {
  const user = await csvRouteUser();
  if (user instanceof Response) return user;
  const id = userId.safeParse((await params).id);
  if (!id.success) return refuse(400, 'That is not a user id.');
  const now = Date.now();
  try {
    const { name, csv } = userAccessCsv(user.id, id.data, now);
    return csvDownload(csv, `access-${fileLabel(name)}`, now);
  } catch (e) {
    return refusalOf(e);
  }
}
