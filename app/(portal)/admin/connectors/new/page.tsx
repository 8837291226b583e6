import type { Metadata } from 'next';
import Link from 'next/link';
import { EVENT_TYPES } from '@/lib/connectors/events';
import { Card, PageHeader } from '@/components/ui/card';
import { buttonClass } from '@/components/ui/button';
import { NewConnectorForm } from '@/components/admin/connectors/new-connector-form';
import { CONNECTORS_DENIED } from '@/components/admin/connectors/labels';
import { refusal } from '../../_lib/deny';
import { adminContext, tenantPimAdmin } from '../../_lib/context';

export const metadata: Metadata = { title: 'New connector' };

export default async function NewConnectorPage() {
  const ctx = await adminContext();
  if (!tenantPimAdmin(ctx)) return refusal({ reason: CONNECTORS_DENIED });
  return (
    <div className="space-y-4">
      <PageHeader
        title="New connector"
        actions={
          <Link href="/admin/connectors" className={buttonClass('secondary')}>
            Back to connectors
          </Link>
        }
        description="Connectors made here are kept in the database. Connectors from the connectors file (ELEVATE_CONNECTORS_FILE) are changed in that file."
      />
      <Card className="max-w-3xl">
        <NewConnectorForm events={EVENT_TYPES} />
      </Card>
    </div>
  );
}
