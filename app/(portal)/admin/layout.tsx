import { AdminNav } from '@/components/admin/admin-nav';
import { getCurrentUser } from '@/lib/auth/session';

/** Admin area frame. Authorization is per page and per action, at the scope each one touches. */
export default async function AdminLayout({ children }: { children: React.ReactNode }) {
  const user = await getCurrentUser();
  return (
    <div>
      <AdminNav pimAdmin={Boolean(user?.isPimAdmin && !user.disabled)} />
      {children}
    </div>
  );
}
