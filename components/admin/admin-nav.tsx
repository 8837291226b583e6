'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';

const ITEMS = [
  { href: '/admin', label: 'Overview', exact: true },
  { href: '/admin/resources', label: 'Resources' },
  { href: '/admin/users', label: 'Users and groups', pimAdminOnly: true },
  { href: '/admin/audit', label: 'Audit', pimAdminOnly: true },
  { href: '/admin/pending', label: 'Pending requests' },
  { href: '/admin/outbox', label: 'Outbox', pimAdminOnly: true },
  { href: '/admin/connectors', label: 'Connectors', pimAdminOnly: true },
  { href: '/admin/settings', label: 'Settings', pimAdminOnly: true },
];

/**
 * The admin area's own navigation; the scope page counts as Resources. Tenant-wide pages
 * are listed only for tenant PIM administrators, so a resource administrator is not sent
 * to a page that refuses them (the pages still check on their own).
 */
export function AdminNav({ pimAdmin }: { pimAdmin: boolean }) {
  const path = usePathname();
  return (
    <nav aria-label="Administration" className="mb-6 overflow-x-auto border-b border-[var(--border)]">
      <ul className="flex gap-1">
        {ITEMS.filter((i) => pimAdmin || !i.pimAdminOnly).map((i) => {
          const current = i.exact
            ? path === i.href
            : path.startsWith(i.href) || (i.href === '/admin/resources' && path.startsWith('/admin/scope'));
          return (
            <li key={i.href}>
              <Link
                href={i.href}
                aria-current={current ? 'page' : undefined}
                className={[
                  'inline-block whitespace-nowrap border-b-2 px-3 py-2 text-sm font-medium',
                  current
                    ? 'border-indigo-600 text-indigo-700 dark:text-indigo-300'
                    : 'border-transparent text-[var(--muted)] hover:text-[var(--text)]',
                ].join(' ')}
              >
                {i.label}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
