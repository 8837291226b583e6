'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { useApprovalCount } from '@/components/approvals/use-approvals';

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
                className={[
                  'inline-flex items-center gap-2 rounded-md px-3 py-2 text-sm font-medium',
                  current
                    ? 'bg-indigo-100 text-indigo-900 dark:bg-indigo-900 dark:text-indigo-50'
                    : 'hover:bg-slate-100 dark:hover:bg-slate-800',
                ].join(' ')}
              >
                {item.label}
                {item.countKey === 'approvals' ? <LiveApprovalCount initial={item.count ?? 0} /> : <CountBadge count={item.count} />}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}

function CountBadge({ count }: { count?: number }) {
  if (!count) return null;
  return (
    <span className="rounded-full bg-indigo-600 px-2 text-xs text-white" aria-label={`${count} pending`}>
      {count}
    </span>
  );
}

/** The Approvals badge stays live: polled from /api/approvals/count, starting from the server-rendered count. */
function LiveApprovalCount({ initial }: { initial: number }) {
  const { data } = useApprovalCount(initial, true);
  return <CountBadge count={data} />;
}
