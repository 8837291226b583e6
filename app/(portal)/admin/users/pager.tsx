import Link from 'next/link';
import { buttonClass } from '@/components/ui/button';

/**
 * "Previous page" / "Next page" for one keyset-paged list, in a nav named after the list
 * (a page holds three). Links, so paging works without JavaScript and lives in the URL.
 */
export function Pager({ label, prev, next }: { label: string; prev: string | null; next: string | null }) {
  if (!prev && !next) return null;
  return (
    <nav aria-label={label} className="mt-3 flex justify-between gap-2">
      {prev ? (
        <Link href={prev} className={buttonClass('secondary', 'px-2 py-1 text-xs')}>
          Previous page
        </Link>
      ) : (
        <span />
      )}
      {next ? (
        <Link href={next} className={buttonClass('secondary', 'px-2 py-1 text-xs')}>
          Next page
        </Link>
      ) : (
        <span />
      )}
    </nav>
  );
}
