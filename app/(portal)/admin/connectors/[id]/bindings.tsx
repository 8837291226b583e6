import type { PolicyIndex } from '@/lib/policy';
import type { BindingDetail, ConnectorDetail } from '@/lib/connectors/views';
import { scopeCrumbs, scopePathText } from '@/lib/portal/scope-path';
import { Card, EmptyState } from '@/components/ui/card';
import { Badge } from '@/components/ui/badge';
import { Time } from '@/components/ui/time';
import { Cell, Row, RoleTable } from '@/components/activation/role-table';
import { ScopePath } from '@/components/scope/scope-path';
import { BindingActions } from '@/components/admin/connectors/binding-actions';
import { AddBindingForm } from '@/components/admin/connectors/add-binding-form';

/**
 * A target connector's bindings: what each maps, how it is doing, and — under each — the
 * grants that failed and the drift it found, in sentences an administrator can act on.
 */
export function Bindings({ c, index }: { c: ConnectorDetail; index: PolicyIndex }) {
  const roles = [...index.roles.values()].map((r) => ({ id: r.id, name: r.name })).sort((a, b) => a.name.localeCompare(b.name));
  const editable = !c.readOnly;
  const headers = ['Scope', 'Roles → targets', 'Mode', 'Reconcile', ...(editable ? ['Actions'] : [])];
  return (
    <>
      <Card title={`Bindings (${c.bindings.filter((b) => b.removedAt === null).length})`}>
        {c.bindings.length === 0 ? (
          <EmptyState>
            {editable
              ? 'No bindings yet: nothing is granted. Add one below to map roles at a resource to group roles in the target.'
              : 'No bindings in the connectors file: nothing is granted.'}
          </EmptyState>
        ) : (
          <RoleTable caption={`Bindings of ${c.name}`} headers={headers}>
            {c.bindings.map((b) => (
              <BindingRows key={b.id} b={b} index={index} editable={editable} columns={headers.length} />
            ))}
          </RoleTable>
        )}
      </Card>
      {editable && (
        <Card title="Add binding">
          <AddBindingForm connectorId={c.id} roles={roles} />
        </Card>
      )}
    </>
  );
}

function BindingRows({ b, index, editable, columns }: { b: BindingDetail; index: PolicyIndex; editable: boolean; columns: number }) {
  const known = b.armId !== null;
  const scope = known ? scopePathText(index, b.scopeId) : b.scopeId;
  const findings = b.failingGrants.total + b.drift.total;
  return (
    <>
      <Row>
        <Cell label="Scope">
          {known ? (
            <ScopePath crumbs={scopeCrumbs(index, b.scopeId)} armId={b.armId ?? undefined} compact />
          ) : (
            <p>
              <code className="break-all">{b.scopeId}</code>{' '}
              <span className="block text-xs">This resource is not in the tree (any more): the binding grants nothing.</span>
            </p>
          )}
          {b.removedAt !== null && (
            <p className="mt-1">
              <Badge state="Revoked">Being removed</Badge>{' '}
              <span className="text-xs">
                revoking {b.granted + b.pendingGrants} grant{b.granted + b.pendingGrants === 1 ? '' : 's'}
              </span>
            </p>
          )}
        </Cell>
        <Cell label="Roles → targets">
          <ul className="space-y-0.5">
            {b.roles.map((r) => (
              <li key={r.roleId}>
                {r.roleName ?? <code>{r.roleId}</code>} → <code>{r.target}</code>
              </li>
            ))}
          </ul>
        </Cell>
        <Cell label="Mode">
          <Badge state={b.mode === 'enforce' ? 'Active' : 'Scheduled'}>{b.mode === 'enforce' ? 'Enforce' : 'Report'}</Badge>
          <p className="mt-1 text-xs text-[var(--muted)]">
            {b.mode === 'enforce' ? 'Revokes what Elevate did not grant.' : 'Lists what Elevate did not grant.'}
          </p>
        </Cell>
        <Cell label="Reconcile">
          <ReconcileFacts b={b} />
        </Cell>
        {editable && (
          <Cell label="Actions">
            {b.removedAt === null && (
              <BindingActions bindingId={b.id} scope={scope} mode={b.mode} granted={b.granted} drift={b.drift.total} />
            )}
          </Cell>
        )}
      </Row>
      {findings > 0 && (
        <tr className="mb-3 block md:mb-0 md:table-row">
          <td colSpan={columns} className="block px-2 pb-3 md:table-cell">
            <Findings b={b} scope={scope} />
          </td>
        </tr>
      )}
    </>
  );
}

function ReconcileFacts({ b }: { b: BindingDetail }) {
  return (
    <div className="space-y-0.5 text-xs">
      <p>
        {b.granted} granted{b.pendingGrants > 0 ? `, ${b.pendingGrants} in progress` : ''}
      </p>
      <p>
        <Time at={b.lastReconcileAt} prefix="Reconciled" />
      </p>
      <p>
        <Time at={b.lastFullAt} prefix="Target read in full" />
      </p>
      {b.changeDue ? (
        <p>A window change is due; the reconciler applies it within seconds.</p>
      ) : (
        b.nextChangeAt !== null && (
          <p>
            <Time at={b.nextChangeAt} prefix="Next change" />
          </p>
        )
      )}
      {b.failures > 0 && (
        <div className="mt-1 text-red-700 dark:text-red-400">
          <p>
            <Badge state="Failed">Failing</Badge> {b.failures} attempt{b.failures === 1 ? '' : 's'} since <Time at={b.failingSince} />
          </p>
          {b.lastError && <p>{b.lastError}</p>}
          {b.nextAttemptAt !== null && (
            <p>
              <Time at={b.nextAttemptAt} prefix="Next attempt" />
            </p>
          )}
        </div>
      )}
    </div>
  );
}

function Findings({ b, scope }: { b: BindingDetail; scope: string }) {
  return (
    <div className="space-y-3 rounded-md border border-[var(--border)] p-3 text-sm">
      {b.failingGrants.total > 0 && (
        <section aria-label={`Failing grants on ${scope}`}>
          <h3 className="font-medium">Failing grants ({b.failingGrants.total})</h3>
          <ul className="mt-1 list-disc space-y-1 pl-5">
            {b.failingGrants.rows.map((g) => (
              <li key={`${g.target}\u0000${g.login}`}>
                Elevate could not make {g.userName ? `${g.userName} (${g.login})` : g.login} a member of <code>{g.target}</code>:{' '}
                {g.lastError}
              </li>
            ))}
          </ul>
          {b.failingGrants.total > b.failingGrants.rows.length && (
            <p className="text-xs text-[var(--muted)]">And {b.failingGrants.total - b.failingGrants.rows.length} more.</p>
          )}
        </section>
      )}
      {b.drift.total > 0 && (
        <section aria-label={`Open drift on ${scope}`}>
          <h3 className="font-medium">Open drift ({b.drift.total})</h3>
          <ul className="mt-1 list-disc space-y-1 pl-5">
            {b.drift.rows.map((d) => (
              <li key={d.id}>
                {d.login} is a member of <code>{d.target}</code> and Elevate did not grant it.{' '}
                {b.mode === 'enforce'
                  ? 'Elevate revokes it at the next full reconcile.'
                  : 'Revoke it in the target, or give the person the role in Elevate.'}{' '}
                <span className="text-xs text-[var(--muted)]">
                  <Time at={d.firstSeen} prefix="First seen" />
                </span>
              </li>
            ))}
          </ul>
          {b.drift.total > b.drift.rows.length && (
            <p className="text-xs text-[var(--muted)]">And {b.drift.total - b.drift.rows.length} more.</p>
          )}
        </section>
      )}
    </div>
  );
}
