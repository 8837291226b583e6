import Link from 'next/link';
import type { Persona } from '@/lib/portal/persona';
import { NavLinks, type NavItem } from './nav-links';
import { SignOutButton } from './sign-out-button';
import { NotificationBell } from '@/components/notifications/notification-bell';

/** The portal frame: skip link, navigation for what this user can do, who is signed in, sign out. */
export function AppShell({
  user,
  persona,
  demo,
  children,
}: {
  user: { name: string; email: string };
  persona: Persona;
  demo: boolean;
  children: React.ReactNode;
}) {
  const items: NavItem[] = [
    { href: '/', label: 'Home' },
    { href: '/my-roles', label: 'My roles' },
    { href: '/my-access', label: 'My access' },
    { href: '/requests', label: 'Requests' },
    ...(persona.approves
      ? [{ href: '/approvals', label: 'Approvals', count: persona.pendingApprovals, countKey: 'approvals' as const }]
      : []),
    ...(persona.administers ? [{ href: '/admin', label: 'Admin' }] : []),
    { href: '/audit', label: 'My audit' },
  ];
  return (
    <div className="min-h-screen">
      <a
        href="#main"
        className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-50 focus:rounded focus:bg-white focus:p-2 focus:text-black"
      >
        Skip to content
      </a>
      {demo && (
        <div className="bg-amber-100 px-4 py-1 text-center text-xs text-amber-950 dark:bg-amber-900 dark:text-amber-50" role="note">
          Demo data: the Blue Widget Co tenant with published demo passwords. Do not use for real access.
        </div>
      )}
      <header className="border-b border-[var(--border)] bg-[var(--surface)]">
        <div className="mx-auto flex max-w-7xl flex-wrap items-center gap-x-6 gap-y-2 px-4 py-3">
          <Link href="/" className="text-lg font-bold text-indigo-700 dark:text-indigo-300">
            Elevate
          </Link>
          <NavLinks items={items} />
          <div className="ml-auto flex items-center gap-3 text-sm">
            <NotificationBell />
            <Link href="/profile" className="text-right hover:underline" aria-label={`Profile of ${user.name}`}>
              <span className="block font-medium">{user.name}</span>
              <span className="block text-xs text-[var(--muted)]">{user.email}</span>
            </Link>
            <SignOutButton />
          </div>
        </div>
      </header>
      <main id="main" className="mx-auto max-w-7xl px-4 py-6">
        {children}
      </main>
    </div>
  );
}
