import type { Metadata } from 'next';
import Link from 'next/link';
import { authorizeUserView } from '@/lib/access';
import { isElevateError } from '@/lib/errors';
import { PageHeader, EmptyState } from '@/components/ui/card';
import { buttonClass } from '@/components/ui/button';
import { AccessView, ACCESS_PARAMS } from '@/components/access/access-view';
import { adminContext } from '../../../_lib/context';
import { refusal } from '../../../_lib/deny';
import { singleValues } from '../../../_lib/search';

export const metadata: Metadata = { title: 'Access of a user' };
export const dynamic = 'force-dynamic';

/**
 * "Access of Jen": the My access view of another user, from Users and groups. Users are
 * tenant-wide, so this is for tenant PIM administrators (the service checks again).
 */
export default async function UserAccessPage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { id } = await params;
  const ctx = await adminContext();
  try {
    authorizeUserView(ctx.index, ctx.user.id, id);
  } catch (e) {
    if (isElevateError(e)) return refusal({ reason: e.message });
    throw e;
  }
  const user = ctx.index.users.get(id);
  if (!user)
    return (
      <EmptyState>
        That user does not exist.{' '}
        <Link className="underline" href="/admin/users">
          Back to Users and groups
        </Link>
        .
      </EmptyState>
    );
  const sp = singleValues(await searchParams, ACCESS_PARAMS);
  const base = `/admin/users/${encodeURIComponent(id)}/access`;
  return (
    <div>
      <PageHeader
        title={`Access of ${user.displayName}`}
        description={
          <>
            What {user.displayName} holds now and can activate, where it comes from and what activating takes
            {user.disabled ? ' — the account is disabled, so it holds nothing' : ''}.{' '}
            <Link className="underline" href="/admin/users">
              Users and groups
            </Link>
          </>
        }
        actions={
          <a className={buttonClass('secondary')} href={`${base}/export`} download>
            Download CSV
          </a>
        }
      />
      <AccessView viewerId={ctx.user.id} userId={id} sp={sp} base={base} self={id === ctx.user.id} now={ctx.now} />
    </div>
  );
}
