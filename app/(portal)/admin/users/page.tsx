import { refusal } from '../_lib/deny';
import type { Metadata } from 'next';
import Link from 'next/link';
import { getDb } from '@/lib/db';
import { countText, countUsers, listUsersPage, type CappedCount, type Page } from '@/lib/users';
import { approverScopeChoices } from '@/lib/users/approver-scopes';
import { countGroups, getGroupSummary, listGroupsPage, listMembersPage } from '@/lib/groups';
import { Card, EmptyState, PageHeader } from '@/components/ui/card';
import { Badge } from '@/components/ui/badge';
import { Notice } from '@/components/ui/notice';
import { inputClass } from '@/components/ui/field';
import { buttonClass } from '@/components/ui/button';
import { Time } from '@/components/ui/time';
import { CreateUserForm } from '@/components/admin/create-user-form';
import { CreateGroupForm } from '@/components/admin/create-group-form';
import { MembershipForm, RemoveMemberButton, UserRowActions } from '@/components/admin/user-actions';
import { adminContext, tenantPimAdmin } from '../_lib/context';
import { singleValues } from '../_lib/search';
import { PARAMS, hrefWith, listParams, otherListState, readGroup, readList, type ListName, type Params } from './params';
import { Pager } from './pager';
import { EndSessionsButton } from './end-sessions';
import { IdentityButtons } from './identity-buttons';
import { config } from '@/lib/config';
import { liveSessionCounts, sessionLimits } from '@/lib/auth/sessions';

export const metadata: Metadata = { title: 'Users and groups' };

/**
 * Users and groups are tenant-wide, so this page is for tenant PIM administrators. Each
 * list (users, groups, one group's members) is searched and keyset-paged in SQL, 50 rows
 * at a time: the page costs the same with 20 users or 20,000.
 */
export default async function UsersPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const ctx = await adminContext();
  if (!tenantPimAdmin(ctx)) return refusal({ reason: 'Users and groups are managed by tenant PIM administrators.' });
  const sp: Params = singleValues(await searchParams, PARAMS);
  const db = getDb();

  const u = readList(sp, 'users');
  const people = listUsersPage(db, u.view);
  const userCount = whole(people) ?? countUsers(db, u.view.q);
  const live = liveSessionCounts(
    db,
    people.rows.map((p) => p.id),
    ctx.now,
    sessionLimits(),
  );

  const g = readList(sp, 'groups');
  const groupPage = listGroupsPage(db, g.view);
  const groupCount = whole(groupPage) ?? countGroups(db, g.view.q);

  const chosen = readGroup(sp);
  const group = chosen.groupId ? getGroupSummary(db, chosen.groupId) : null;
  const m = readList(sp, 'members');
  const members = group ? listMembersPage(db, group.id, m.view) : null;

  const problems = [...u.problems, ...g.problems, ...(group ? m.problems : []), ...(chosen.problem ? [chosen.problem] : [])];
  if (chosen.groupId && !group && !chosen.problem) problems.push('That group does not exist (any more). Choose one from the list.');

  const { scopes, more: moreScopes } = approverScopeChoices(db, ctx.index, ctx.user.tenantId);
  const roles = [...ctx.index.roles.values()].map((r) => ({ id: r.id, name: r.name })).sort((a, b) => a.name.localeCompare(b.name));
  const page = (list: ListName, cursor: 'after' | 'before', token: string | null) => {
    if (!token) return null;
    const p = listParams(list);
    return hrefWith(
      sp,
      { [p.after]: cursor === 'after' ? token : undefined, [p.before]: cursor === 'before' ? token : undefined },
      list === 'users' ? '' : list === 'groups' ? '#groups' : '#members',
    );
  };
  return (
    <div className="space-y-6">
      <PageHeader
        title="Users and groups"
        description="Create accounts (and delegated approvers), disable accounts, reset passwords and MFA, and manage group memberships."
        actions={
          <Link href="/admin/users/provisioning" className={buttonClass('secondary')}>
            Provisioning (SCIM)
          </Link>
        }
      />
      {problems.length > 0 && (
        <Notice tone="warning">
          {problems.map((p) => (
            <p key={p}>{p}</p>
          ))}
        </Notice>
      )}
      <div className="grid gap-6 xl:grid-cols-[1fr_28rem]">
        <Card title={`Users (${countText(userCount)}${u.view.q ? ' matching' : ''})`}>
          <ListSearch sp={sp} list="users" id="u-q" label="Search users" placeholder="Name or e-mail" />
          {people.rows.length === 0 ? (
            <EmptyState>
              {u.view.q ? `No user matches “${u.view.q}”. Create one with the form.` : 'No users yet. Create one with the form.'}
            </EmptyState>
          ) : (
            <ul className="divide-y divide-[var(--border)]" aria-label="Users">
              {people.rows.map((p) => (
                <li key={p.id} className="grid gap-2 py-3 md:grid-cols-[1.4fr_1fr_auto] md:items-center">
                  <div>
                    <p className="font-medium">
                      {p.displayName} {p.isPimAdmin && <Badge state="Active">PIM administrator</Badge>}{' '}
                      {p.disabled && <Badge state="Denied">Disabled</Badge>} {p.source === 'scim' && <Badge>Provisioned by SCIM</Badge>}
                      {p.breakGlass && (
                        <>
                          {' '}
                          <Badge>Break-glass</Badge>
                        </>
                      )}
                      {p.ssoLinked && (
                        <>
                          {' '}
                          <Badge>Single sign-on</Badge>
                        </>
                      )}
                    </p>
                    <p className="text-xs text-[var(--muted)]">{p.email}</p>
                    {p.groups.length > 0 && (
                      <p className="text-xs">
                        Groups: {p.groups.map((x) => x.name).join(', ')}
                        {p.moreGroups ? ' and more' : ''}
                      </p>
                    )}
                  </div>
                  <div className="text-xs">
                    {p.mustChangePassword && <p>Must change password</p>}
                    {p.mustEnrolMfa ? <p>MFA not set up yet</p> : p.mfaEnrolled ? <p>MFA set up</p> : null}
                    <p>{p.lastSignInAt ? <Time at={p.lastSignInAt} prefix="Signed in" /> : 'Never signed in'}</p>
                    {(live.get(p.id) ?? 0) > 0 && (
                      <p>
                        {live.get(p.id)} active session{live.get(p.id) === 1 ? '' : 's'}
                      </p>
                    )}
                  </div>
                  <div className="flex flex-wrap gap-1">
                    <Link
                      href={`/admin/users/${encodeURIComponent(p.id)}/access`}
                      className="px-2 py-1 text-xs underline"
                      aria-label={`Access of ${p.displayName}`}
                    >
                      Access
                    </Link>
                    <UserRowActions userId={p.id} name={p.displayName} disabled={p.disabled} self={p.id === ctx.user.id} />
                    {!p.disabled && p.id !== ctx.user.id && (
                      <EndSessionsButton userId={p.id} name={p.displayName} live={live.get(p.id) ?? 0} />
                    )}
                    <IdentityButtons
                      userId={p.id}
                      name={p.displayName}
                      breakGlass={p.breakGlass}
                      hasPassword={p.hasPassword}
                      ssoLinked={p.ssoLinked}
                      providerName={config().oidc?.name ?? null}
                    />
                  </div>
                </li>
              ))}
            </ul>
          )}
          <Pager label="Pages of users" prev={page('users', 'before', people.prev)} next={page('users', 'after', people.next)} />
        </Card>
        <Card title="Create a user">
          <CreateUserForm scopes={scopes} roles={roles} />
          {moreScopes && (
            <p className="mt-2 text-xs text-[var(--muted)]">
              The first {scopes.length} managed scopes are offered here; name approvers on any other scope from its Settings tab.
            </p>
          )}
        </Card>
      </div>
      <div className="grid gap-6 xl:grid-cols-[1fr_28rem]">
        <Card title={`Groups (${countText(groupCount)}${g.view.q ? ' matching' : ''})`} className="scroll-mt-4">
          <span id="groups" />
          <ListSearch sp={sp} list="groups" id="g-q" label="Search groups" placeholder="Group name" />
          {groupPage.rows.length === 0 ? (
            <EmptyState>
              {g.view.q ? `No group matches “${g.view.q}”.` : 'No groups yet. Create one to assign roles or name approvers as a team.'}
            </EmptyState>
          ) : (
            <ul className="divide-y divide-[var(--border)]" aria-label="Groups">
              {groupPage.rows.map((x) => (
                <li key={x.id} className="flex flex-wrap items-center justify-between gap-2 py-2">
                  <div>
                    <Link
                      href={hrefWith(sp, { group: x.id, mq: undefined, mafter: undefined, mbefore: undefined }, '#members')}
                      aria-current={x.id === group?.id ? 'true' : undefined}
                      className="font-medium text-indigo-700 underline-offset-2 hover:underline aria-[current=true]:underline dark:text-indigo-300"
                    >
                      {x.name}
                    </Link>
                    {x.source === 'scim' && (
                      <>
                        {' '}
                        <Badge>Provisioned by SCIM</Badge>
                      </>
                    )}
                    {x.description && <p className="text-xs text-[var(--muted)]">{x.description}</p>}
                  </div>
                  <span className="text-xs text-[var(--muted)]">
                    {countText(x.members)} member{!x.members.more && x.members.n === 1 ? '' : 's'}
                  </span>
                </li>
              ))}
            </ul>
          )}
          <Pager label="Pages of groups" prev={page('groups', 'before', groupPage.prev)} next={page('groups', 'after', groupPage.next)} />
        </Card>
        <Card title="Create a group">
          <CreateGroupForm />
        </Card>
      </div>
      {group && members && (
        <Card title={`Members of ${group.name}`} className="scroll-mt-4">
          <span id="members" />
          <p className="mb-3 text-xs text-[var(--muted)]">
            {countText(group.members)} member{!group.members.more && group.members.n === 1 ? '' : 's'}, most recently added first. Members
            receive, at once, every role {group.name} holds or is eligible for.
          </p>
          {group.source === 'scim' && (
            <Notice tone="info" className="mb-3">
              Provisioned by SCIM: its name and its provisioned members are managed in the identity provider, which may undo changes made
              here.
            </Notice>
          )}
          <div className="grid gap-6 lg:grid-cols-[1fr_24rem]">
            <div>
              <ListSearch
                sp={sp}
                list="members"
                id="m-q"
                label={`Search members of ${group.name}`}
                placeholder="Name or e-mail"
                hash="#members"
              />
              {members.rows.length === 0 ? (
                <EmptyState>
                  {m.view.q ? `No member of ${group.name} matches “${m.view.q}”.` : `${group.name} has no members. Add one with the form.`}
                </EmptyState>
              ) : (
                <ul className="divide-y divide-[var(--border)]" aria-label={`Members of ${group.name}`}>
                  {members.rows.map((x) => (
                    <li key={x.id} className="flex flex-wrap items-center justify-between gap-2 py-2">
                      <div>
                        <p className="text-sm font-medium">
                          {x.displayName} {x.disabled && <Badge state="Denied">Disabled</Badge>}
                        </p>
                        <p className="text-xs text-[var(--muted)]">
                          {x.email} · <Time at={x.addedAt} prefix="added" />
                        </p>
                      </div>
                      <RemoveMemberButton groupId={group.id} groupName={group.name} userId={x.id} name={x.displayName} />
                    </li>
                  ))}
                </ul>
              )}
              <Pager
                label={`Pages of members of ${group.name}`}
                prev={page('members', 'before', members.prev)}
                next={page('members', 'after', members.next)}
              />
            </div>
            <MembershipForm key={group.id} groupId={group.id} groupName={group.name} />
          </div>
        </Card>
      )}
    </div>
  );
}

/** A list that fits one page is its own count: no second read (a rare search would scan twice). */
const whole = (p: Page<unknown>): CappedCount | null => (!p.next && !p.prev ? { n: p.rows.length, more: false } : null);

/** A GET search form for one list; it starts that list over and keeps the others as they were. */
function ListSearch({
  sp,
  list,
  id,
  label,
  placeholder,
  hash = '',
}: {
  sp: Params;
  list: ListName;
  id: string;
  label: string;
  placeholder: string;
  hash?: string;
}) {
  const p = listParams(list);
  const q = sp[p.q];
  return (
    <form
      role="search"
      aria-label={`${p.noun[0].toUpperCase()}${p.noun.slice(1)} search`}
      action={`/admin/users${hash}`}
      className="mb-3 flex flex-wrap gap-2"
    >
      {otherListState(sp, list).map(([k, v]) => (
        <input key={k} type="hidden" name={k} value={v} />
      ))}
      <label htmlFor={id} className="sr-only">
        {label}
      </label>
      <input
        id={id}
        name={p.q}
        type="search"
        defaultValue={q ?? ''}
        maxLength={200}
        placeholder={placeholder}
        className={`${inputClass} max-w-sm`}
      />
      <button className={buttonClass('secondary')}>Search</button>
      {q && (
        <Link href={hrefWith(sp, { [p.q]: undefined, [p.after]: undefined, [p.before]: undefined }, hash)} className={buttonClass('ghost')}>
          Clear
        </Link>
      )}
    </form>
  );
}
