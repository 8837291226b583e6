import { z } from 'zod';
import { fileLabel, resourceAccessCsv } from '@/lib/access';
import { csvDownload, csvRouteUser, refusalOf, refuse } from '@/lib/http/csv-route';

export const dynamic = 'force-dynamic';

const query = z.object({ id: z.string().trim().min(1).max(2048) });

/**
 * "Who has access here, and why" as CSV, streamed. Authenticates and authorizes by itself:
 * PIM management access at the resource (the service asks the engine before the first byte).
 */
export async function GET(req: Request) {
  const user = await csvRouteUser();
  if (user instanceof Response) return user;
  const parsed = query.safeParse(Object.fromEntries(new URL(req.url).searchParams));
  if (!parsed.success) return refuse(400, 'Give the resource as ?id=.');
  const now = Date.now();
  try {
    const found = resourceAccessCsv(user.id, parsed.data.id, now);
    if (!found) return refuse(404, 'That resource does not exist.');
    return csvDownload(found.stream, `who-has-access-${fileLabel(found.name)}`, now);
  } catch (e) {
    return refusalOf(e);
  }
}
