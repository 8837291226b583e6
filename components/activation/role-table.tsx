/**
 * A table that collapses to cards on a phone: each cell carries its column name in
 * data-label, shown above the value when the header row is hidden.
 */
export function RoleTable({ caption, headers, children }: { caption: string; headers: string[]; children: React.ReactNode }) {
  return (
    <table className="w-full border-collapse text-sm">
      <caption className="sr-only">{caption}</caption>
      <thead className="hidden md:table-header-group">
        <tr className="border-b border-[var(--border)] text-left text-xs uppercase tracking-wide text-[var(--muted)]">
          {headers.map((h) => (
            <th key={h} scope="col" className="px-2 py-2 font-medium">
              {h}
            </th>
          ))}
        </tr>
      </thead>
      <tbody className="block md:table-row-group">{children}</tbody>
    </table>
  );
}

export function Row({ children }: { children: React.ReactNode }) {
  return (
    <tr className="mb-3 block rounded-md border border-[var(--border)] p-2 md:mb-0 md:table-row md:rounded-none md:border-0 md:border-b md:p-0">
      {children}
    </tr>
  );
}

export function Cell({ label, children, className = '' }: { label: string; children: React.ReactNode; className?: string }) {
  return (
    <td
      data-label={label}
      className={
        'block px-2 py-1 before:block before:text-xs before:text-[var(--muted)] before:content-[attr(data-label)] ' +
        `md:table-cell md:py-2 md:align-top md:before:hidden ${className}`
      }
    >
      {children}
    </td>
  );
}
