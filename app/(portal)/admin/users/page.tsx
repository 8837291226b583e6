import { deny } from '../_lib/deny';
import type { Metadata } from 'next';
import Link from 'next/link';
import { getDb } from '@/db';
import { listUsers } from '@/lib/users';
import { listGroups } from '@/lib/groups';
import { scopePathText } from '@/lib/portal/scope-path';
import { Card, EmptyState, PageHeader } from '@/components/ui/card';
import { Badge } from '@/components/ui/badge';
import { inputClass } from '@/components/ui/field';
import { buttonClass } from '@/components/ui/button';
import { Time } from '@/components/ui/time';
import { CreateUserForm } from '@/components/admin/create-user-form';
import { CreateGroupForm } from '@/components/admin/create-group-form';
import { MembershipForm, RemoveMemberButton, UserRowActions } from '@/components/admin/user-actions';
import { adminContext } from '../_lib/context';
import { singleValues } from '../_lib/search';

export const metadata: Metadata = { title: 'Users and groups' };

/** Users and groups are tenant-wide, so this page is for tenant PIM administrators. */
export default async function UsersPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const ctx = await adminContext();
  if (!ctx.user.isPimAdmin) deny({ reason: 'Users and groups are managed by tenant PIM administrators.' });
  const { q = '' } = singleValues(await searchParams, ['q']);
  const db = getDb();
  const people = listUsers(db, q);
  const groups = listGroups(db);
  const everyone = listUsers(db).filter((u) => !u.user.disabled).map((u) => ({ id: u.user.id, name: u.user.displayName }));
  const scopes = [...ctx.index.resources.values()]
    .filter((n) => n.managed && n.fact.kind !== 'resource')
    .map((n) => ({ id: n.fact.id, label: scopePathText(ctx.index, n.fact.id) }))
    .sort((a, b) => a.label.localeCompare(b.label))
    .slice(0, 500);
  const roles = [...ctx.index.roles.values()].map((r) => ({ id: r.id, name: r.name })).sort((a, b) => a.name.localeCompare(b.name));
  return (
    <div className="space-y-6">
      <PageHeader title="Users and groups" description="Create delegated approver accounts, disable accounts, reset passwords and MFA, and manage group memberships." />
      <div className="grid gap-6 xl:grid-cols-[1fr_28rem]">
        <Card title={`Users (${people.length})`}>
          <form role="search" action="/admin/users" className="mb-3 flex gap-2">
            <label htmlFor="u-q" className="sr-only">Search users</label>
            <input id="u-q" name="q" type="search" defaultValue={q} placeholder="Name or e-mail" className={`${inputClass} max-w-sm`} />
            <button className={buttonClass('secondary')}>Search</button>
            {q && <Link href="/admin/users" className={buttonClass('ghost')}>Clear</Link>}
          </form>
          {people.length === 0 ? <EmptyState>No user matches “{q}”. Create one with the form.</EmptyState> : (
            <ul className="divide-y divide-[var(--border)]" aria-label="Users">
              {people.map(({ user: u, groups: gs }) => (
                <li key={u.id} className="grid gap-2 py-3 md:grid-cols-[1.4fr_1fr_auto] md:items-center">
                  <div>
                    <p className="font-medium">{u.displayName} {u.isPimAdmin && <Badge state="Active">PIM administrator</Badge>} {u.disabled && <Badge state="Denied">Disabled</Badge>}</p>
                    <p className="text-xs text-[var(--muted)]">{u.email}</p>
                    {gs.length > 0 && <p className="text-xs">Groups: {gs.map((g) => g.name).join(', ')}</p>}
                  </div>
                  <div className="text-xs">
                    {u.mustChangePassword && <p>Must change password</p>}
                    {u.mustEnrolMfa ? <p>MFA not set up yet</p> : u.totpEnrolledAt ? <p>MFA set up</p> : null}
                    <p>{u.lastSignInAt ? <Time at={u.lastSignInAt} prefix="Signed in" /> : 'Never signed in'}</p>
                  </div>
                  <UserRowActions userId={u.id} name={u.displayName} disabled={u.disabled} self={u.id === ctx.user.id} />
                </li>
              ))}
            </ul>
          )}
        </Card>
        <Card title="Create a user (delegated approver)">
          <CreateUserForm scopes={scopes} roles={roles} />
        </Card>
      </div>
      <div className="grid gap-6 xl:grid-cols-[1fr_28rem]">
        <Card title={`Groups (${groups.length})`}>
          {groups.length === 0 ? <EmptyState>No groups yet. Create one to assign roles or name approvers as a team.</EmptyState> : (
            <ul className="space-y-4" aria-label="Groups">
              {groups.map((g) => (
                <li key={g.id} className="rounded-md border border-[var(--border)] p-3">
                  <p className="font-medium">{g.name}</p>
                  {g.description && <p className="text-xs text-[var(--muted)]">{g.description}</p>}
                  <ul className="my-2 space-y-1 text-sm">
                    {g.members.length === 0 && <li className="text-[var(--muted)]">No members.</li>}
                    {g.members.map((m) => (
                      <li key={m.id} className="flex items-center justify-between gap-2">{m.displayName}<RemoveMemberButton groupId={g.id} groupName={g.name} userId={m.id} name={m.displayName} /></li>
                    ))}
                  </ul>
                  <MembershipForm groupId={g.id} groupName={g.name} candidates={everyone.filter((u) => !g.members.some((m) => m.id === u.id))} />
                </li>
              ))}
            </ul>
          )}
        </Card>
        <Card title="Create a group"><CreateGroupForm /></Card>
      </div>
    </div>
  );
}
