'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';

export interface NavItem {
  href: string;
  label: string;
  count?: number;
  countKey?: 'approvals';
}

export function NavLinks({ items }: { items: NavItem[] }) {
  const pathname = usePathname();
  return (
    <nav aria-label="Main">
      <ul className="flex flex-wrap gap-1">
        {items.map((item) => {
          const current = item.href === '/' ? pathname === '/' : pathname.startsWith(item.href);
          return (
            <li key={item.href}>
              <Link
                href={item.href}
                aria-current={current ? 'page' : undefined}
                className={`inline-flex items-center gap-2 rounded-md px-3 py-2 text-sm font-medium ${current ? 'bg-indigo-100 text-indigo-900 dark:bg-indigo-900 dark:text-indigo-50' : 'hover:bg-slate-100 dark:hover:bg-slate-800'}`}
              >
                {item.label}
                {item.count ? (
                  <span className="rounded-full bg-indigo-600 px-2 text-xs text-white" aria-label={`${item.count} pending`}>
                    {item.count}
                  </span>
                ) : null}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
