import type { Metadata } from 'next';
import { getDb } from '@/db';
import { requireUser, getSession } from '@/lib/auth/session';
import { sessionMfaVerifiedAt } from '@/lib/auth/mfa';
import { offerEnrolment } from '@/lib/auth/enrolment';
import { mfaFresh } from '@/lib/policy';
import { myRoles } from '@/lib/activation';
import { EXPIRED_KEY_SHAPE } from '@/lib/activation/my-roles';
import { decodeCursor } from '@/lib/portal/keyset';
import { singleValues } from '../admin/_lib/search';
import { PageHeader } from '@/components/ui/card';
import { MyRolesTabs, type Tab } from '@/components/activation/my-roles-tabs';

export const metadata: Metadata = { title: 'My roles' };
export const dynamic = 'force-dynamic';

const TABS: Tab[] = ['eligible', 'active', 'expired'];

export default async function MyRolesPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const user = await requireUser();
  const session = await getSession();
  const db = getDb();
  const now = Date.now();
  const sp = singleValues(await searchParams, ['tab', 'after', 'before'] as const);
  // the Expired tab pages through history in SQL; a cursor that is not ours shows its first page
  const token = sp.after ?? sp.before;
  const key = token === undefined ? null : decodeCursor(token, EXPIRED_KEY_SHAPE);
  const data = myRoles(db, user, now, { expired: key ? (sp.after !== undefined ? { after: key } : { before: key }) : {} });
  const fresh = mfaFresh(sessionMfaVerifiedAt(db, user.id, session?.sessionId ?? null), now);
  // someone without an authenticator is taken through enrolment inside the activation dialog
  const enrolOffer = data.mfaEnrolled || data.eligible.length === 0 ? null : await offerEnrolment(user);
  const tab = sp.tab;
  return (
    <div>
      <PageHeader title="My roles" description="Activate an eligible role when you need it, for as long as you need it. Every scope follows its own settings." />
      <MyRolesTabs data={data} mfaFresh={fresh} enrolOffer={enrolOffer} initialTab={TABS.includes(tab as Tab) ? (tab as Tab) : 'eligible'}
        pageProblem={token !== undefined && !key ? 'That page link is not one of this list’s; showing the most recent ones.' : null} />
    </div>
  );
}
