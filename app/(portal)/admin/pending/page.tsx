import type { Metadata } from 'next';
import { getDb } from '@/db';
import { requireUser } from '@/lib/auth/session';
import { pendingInScopesManagedBy } from '@/lib/approvals';
import { PageHeader } from '@/components/ui/card';
import { AdminPendingList } from '@/components/approvals/admin-pending-list';

export const metadata: Metadata = { title: 'Pending requests' };
export const dynamic = 'force-dynamic';

/** Administrators: every pending request at scopes where they hold PIM management access (engine's managementAccess). */
export default async function AdminPendingPage() {
  const user = await requireUser();
  const items = pendingInScopesManagedBy(getDb(), user.id, Date.now(), { sort: 'deadline' });
  return (
    <div className="space-y-4">
      <PageHeader
        title="Pending requests in your scopes"
        description="Requests waiting for approval at scopes you manage, soonest time-out first. You may cancel one with a justification; the approvers decide."
      />
      <AdminPendingList items={items} />
    </div>
  );
}
