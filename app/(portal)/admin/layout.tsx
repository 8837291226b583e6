import { AdminNav } from '@/components/admin/admin-nav';
import { getCurrentUser } from '@/lib/auth/session';
import { getDb } from '@/lib/db';
import { isTenantPimAdmin } from '@/lib/policy';
import { policyIndex } from '@/lib/tenant/engine';

/** Admin area frame. Authorization is per page and per action, at the scope each one touches. */
export default async function AdminLayout({ children }: { children: React.ReactNode }) {
  const user = await getCurrentUser();
  return (
    <div>
      <AdminNav pimAdmin={user ? isTenantPimAdmin(policyIndex(getDb()), user.id) : false} />
      {children}
    </div>
  );
}
