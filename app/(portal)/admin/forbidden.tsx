import { Forbidden } from '@/components/admin/forbidden';
import { deniedDetail } from './_lib/deny';

/** The admin area's 403 page: says why, and what to do (activate first, ask a PIM administrator). */
export default function AdminForbidden() {
  const { reason, hint } = deniedDetail();
  return <Forbidden reason={reason} hint={hint} />;
}
