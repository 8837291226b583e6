import type { ScopeCrumb } from '@/lib/portal/scope-path';
import { CopyButton } from '@/components/ui/copy-button';

const KIND_ICON: Record<ScopeCrumb['kind'], { icon: string; label: string }> = {
  managementGroup: { icon: '▦', label: 'Management group' },
  subscription: { icon: '◆', label: 'Subscription' },
  resourceGroup: { icon: '▣', label: 'Resource group' },
  resource: { icon: '●', label: 'Resource' },
};

/**
 * A scope as its breadcrumb with kind icons; the ARM id is one click away for people
 * who script. Pass `armId` (original casing) when you have it.
 */
export function ScopePath({ crumbs, armId, compact = false }: { crumbs: ScopeCrumb[]; armId?: string; compact?: boolean }) {
  const last = crumbs[crumbs.length - 1];
  return (
    <span className="inline-flex flex-wrap items-center gap-1 text-sm">
      <span className="sr-only">{last ? `${KIND_ICON[last.kind].label}: ` : ''}</span>
      {crumbs.map((c, i) => (
        <span key={c.id} className="inline-flex items-center gap-1">
          {i > 0 && (
            <span aria-hidden="true" className="text-[var(--muted)]">
              ›
            </span>
          )}
          {(!compact || i === crumbs.length - 1) && (
            <span aria-hidden="true" title={KIND_ICON[c.kind].label} className="text-xs text-[var(--muted)]">
              {KIND_ICON[c.kind].icon}
            </span>
          )}
          <span className={i === crumbs.length - 1 ? 'font-medium' : 'text-[var(--muted)]'}>{c.name}</span>
        </span>
      ))}
      {armId && <CopyButton value={armId} label={`Copy id of ${last?.name ?? 'scope'}`} />}
    </span>
  );
}
