import Link from 'next/link';
import { describe, type NameLookup } from '@/lib/policy';
import type { TreeNodeView } from '@/lib/resources/tree';
import { Badge } from '@/components/ui/badge';

const ICON = { managementGroup: '▦', subscription: '◆', resourceGroup: '▣', resource: '●' } as const;
const KIND = { managementGroup: 'Management group', subscription: 'Subscription', resourceGroup: 'Resource group', resource: 'Resource' } as const;

const scopeHref = (id: string) => `/admin/scope?id=${encodeURIComponent(id)}`;

function Assignments({ node, names }: { node: TreeNodeView; names: NameLookup }) {
  const direct = node.direct.map((s) => `${names.principal(s.principal)}: ${s.kind} ${names.role(s.roleId)}`);
  return (
    <span className="flex flex-wrap gap-x-3 gap-y-1 text-xs text-[var(--muted)]">
      {direct.length > 0 && <span title={direct.join('\n')}>{direct.length} direct{direct.length <= 2 ? ` (${direct.join('; ')})` : ''}</span>}
      {node.inherited.length > 0 && (
        <span title={node.inherited.map((i) => `${names.principal(i.schedule.principal)}: ${i.schedule.kind} ${names.role(i.schedule.roleId)} from ${names.scope(i.fromScopeId)}`).join('\n')}>
          ↳ {node.inherited.length} inherited
        </span>
      )}
    </span>
  );
}

function Row({ node, names }: { node: TreeNodeView; names: NameLookup }) {
  return (
    <div className="flex flex-wrap items-center gap-2 py-1">
      <span aria-hidden="true" className="text-xs text-[var(--muted)]" title={KIND[node.kind]}>{ICON[node.kind]}</span>
      <span className="sr-only">{KIND[node.kind]}:</span>
      {node.managed ? (
        <Link href={scopeHref(node.id)} className="font-medium text-indigo-700 hover:underline dark:text-indigo-300">{node.name}</Link>
      ) : (
        <span className="font-medium">{node.name}</span>
      )}
      {node.managed ? (node.enabledHere && <Badge state="Active">PIM enabled</Badge>) : <Badge>Not managed</Badge>}
      {node.explicitSettings.length > 0 && <Badge state="Scheduled">Explicit settings: {node.explicitSettings.map((r) => names.role(r)).join(', ')}</Badge>}
      {node.weaker.length > 0 && (
        <span title={node.weaker.map((r) => describe(r, names)).join('\n')}>
          <Badge state="Pending approval">Weaker than parent</Badge>
          <span className="sr-only">: {node.weaker.map((r) => describe(r, names)).join('; ')}</span>
        </span>
      )}
      {node.redacted ? <span className="text-xs text-[var(--muted)]">You don&apos;t manage PIM here</span> : <Assignments node={node} names={names} />}
    </div>
  );
}

/**
 * The resource tree with what is assigned at each node and what flows down from above.
 * Native <details> keeps it keyboard- and screen-reader-friendly without client code.
 */
export function ResourceTree({ nodes, names, openDepth = 2 }: { nodes: TreeNodeView[]; names: NameLookup; openDepth?: number }) {
  return (
    <ul className="space-y-1" role="list">
      {nodes.map((n) => (
        <li key={n.id}>
          <Row node={n} names={names} />
          {n.children.length > 0 && (
            // the row holds links, so the disclosure toggle is its own control (no interactive content inside <summary>)
            <details open={n.depth < openDepth} className="ml-1">
              <summary className="cursor-pointer text-xs text-[var(--muted)]">
                {n.children.length + n.hiddenChildren} {n.children.length + n.hiddenChildren === 1 ? 'child' : 'children'} of {n.name}
              </summary>
              <div className="ml-3 border-l border-[var(--border)] pl-3">
                <ResourceTree nodes={n.children} names={names} openDepth={openDepth} />
                {n.hiddenChildren > 0 && <p className="text-xs text-[var(--muted)]">…and {n.hiddenChildren} more. Search to find them.</p>}
              </div>
            </details>
          )}
        </li>
      ))}
    </ul>
  );
}
