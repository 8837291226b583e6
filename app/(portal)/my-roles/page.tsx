import type { Metadata } from 'next';
import { getDb } from '@/lib/db';
import { requireUser, getSession } from '@/lib/auth/session';
import { sessionMfaVerifiedAt } from '@/lib/auth/mfa';
import { offerEnrolment } from '@/lib/auth/enrolment';
import { mfaFresh } from '@/lib/policy';
import { myRoles } from '@/lib/activation';
import { ACTIVE_KEY_SHAPE, ELIGIBLE_KEY_SHAPE, EXPIRED_KEY_SHAPE } from '@/lib/activation/my-roles';
import { decodeCursor, searchText } from '@/lib/portal/keyset';
import { singleValues } from '../admin/_lib/search';
import { PageHeader } from '@/components/ui/card';
import { MyRolesTabs, type Tab } from '@/components/activation/my-roles-tabs';

export const metadata: Metadata = { title: 'My roles' };
export const dynamic = 'force-dynamic';

const TABS: Tab[] = ['eligible', 'active', 'expired'];
const SHAPES = { eligible: ELIGIBLE_KEY_SHAPE, active: ACTIVE_KEY_SHAPE, expired: EXPIRED_KEY_SHAPE } as const;

/**
 * My roles: a page per tab. `tab` names the tab shown, `after` / `before` page that tab
 * (the others show their first page), `q` searches all three by role or scope name.
 */
export default async function MyRolesPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const user = await requireUser();
  const session = await getSession();
  const db = getDb();
  const now = Date.now();
  const sp = singleValues(await searchParams, ['tab', 'q', 'after', 'before'] as const);
  const tab: Tab = TABS.includes(sp.tab as Tab) ? (sp.tab as Tab) : 'eligible';
  const { q, cut } = searchText(sp.q);
  // a cursor belongs to the tab it was made for; one that is not ours shows that tab's first page
  const token = sp.after ?? sp.before;
  const key = token === undefined ? null : decodeCursor(token, SHAPES[tab]);
  const seek = key ? (sp.after !== undefined ? { after: key } : { before: key }) : {};
  const data = myRoles(db, user, now, { [tab]: seek, q });
  const fresh = mfaFresh(sessionMfaVerifiedAt(db, user.id, session?.sessionId ?? null), now);
  // someone without an authenticator is taken through enrolment inside the activation dialog
  const canActivate = data.eligiblePage.count > 0 || data.expired.some((r) => r.reactivate);
  const enrolOffer = data.mfaEnrolled || !canActivate ? null : await offerEnrolment(user);
  const problems: string[] = [];
  if (token !== undefined && !key) problems.push('That page link is not one of this list’s; showing the first page.');
  if (cut) problems.push(`Only the first ${q.length} characters of the search were used.`);
  return (
    <div>
      <PageHeader
        title="My roles"
        description="Activate an eligible role when you need it, for as long as you need it. Every scope follows its own settings."
      />
      <MyRolesTabs
        data={data}
        mfaFresh={fresh}
        enrolOffer={enrolOffer}
        initialTab={tab}
        pageProblem={problems.length ? problems.join(' ') : null}
      />
    </div>
  );
}
