import type { Metadata } from 'next';
import { requireUser } from '@/lib/auth/session';
import { PageHeader } from '@/components/ui/card';
import { buttonClass } from '@/components/ui/button';
import { AccessView, ACCESS_PARAMS } from '@/components/access/access-view';
import { singleValues } from '../admin/_lib/search';

export const metadata: Metadata = { title: 'My access' };
export const dynamic = 'force-dynamic';

const DESCRIPTION =
  'What you hold now, what you can activate, where it comes from and what activating takes. ' +
  'Search a resource to see what you can do there.';

/**
 * My access: every role I hold now and every role I may activate, where, from what, and
 * what activating takes; and, for any resource I search, whether I can touch it and if
 * not, what it would take (issue 15). The engine explains (lib/policy/explain.ts).
 */
export default async function MyAccessPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const user = await requireUser();
  const sp = singleValues(await searchParams, ACCESS_PARAMS);
  return (
    <div>
      <PageHeader
        title="My access"
        description={DESCRIPTION}
        actions={
          <a className={buttonClass('secondary')} href="/my-access/export" download>
            Download CSV
          </a>
        }
      />
      <AccessView viewerId={user.id} userId={user.id} sp={sp} base="/my-access" self now={Date.now()} />
    </div>
  );
}
