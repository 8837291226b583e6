import { userAccessCsv } from '@/lib/access';
import { csvDownload, csvRouteUser } from '@/lib/http/csv-route';

export const dynamic = 'force-dynamic';

/** My access as CSV: the signed-in person's own roles. Authenticates by itself (a page check protects nothing). */
export async function GET() {
  const user = await csvRouteUser();
  if (user instanceof Response) return user;
  const now = Date.now();
  return csvDownload(userAccessCsv(user.id, user.id, now).csv, 'my-access', now);
}
