import { AdminNav } from '@/components/admin/admin-nav';

/** Admin area frame. Authorization is per page and per action, at the scope each one touches. */
export default function AdminLayout({ children }: { children: React.ReactNode }) {
  return (
    <div>
      <AdminNav />
      {children}
    </div>
  );
}
