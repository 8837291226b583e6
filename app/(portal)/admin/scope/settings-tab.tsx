import Link from 'next/link';
import { getDb } from '@/lib/db';
import { defaultSettingsFor, describe, nodeOf, settingsFor } from '@/lib/policy';
import { weakerChildrenSql } from '@/lib/settings/weaker';
import { countBelow } from '@/lib/resources/levels';
import { scopePathText } from '@/lib/portal/scope-path';
import { Card } from '@/components/ui/card';
import { Notice } from '@/components/ui/notice';
import { SettingsForm } from '@/components/admin/settings-form';
import { names, type AdminContext } from '../_lib/context';
import { linkedPrincipal, principalOptions } from './options';

/** Weaker child scopes named in the notice; the count says how many there are in all. */
const WEAKER_SHOWN = 20;

/**
 * Settings per role at this scope, with the weaker child scopes listed (rule 9). The
 * weaker ones come from SQL (explicit settings under the scope compared with this one's,
 * and a count of the children left on the defaults), not from a walk of the subtree.
 */
export function SettingsTab({
  ctx,
  scopeId,
  roleId,
  proposedApprover,
}: {
  ctx: AdminContext;
  scopeId: string;
  roleId?: string;
  /** "User:<id>" from a "Make approver for …" link: offered ticked, saved only with the form */
  proposedApprover?: string;
}) {
  const { index } = ctx;
  const db = getDb();
  const roles = [...index.roles.values()].sort((a, b) => a.name.localeCompare(b.name));
  const role = roles.find((r) => r.id === roleId) ?? roles.find((r) => r.name === 'Owner') ?? roles[0];
  const g = settingsFor(index, scopeId, role.id);
  const weak = weakerChildrenSql(db, index, scopeId, role.id, WEAKER_SHOWN);
  const n = names(ctx);
  const childCount = countBelow(db, scopeId, { managedOnly: true, managedHere: nodeOf(index, scopeId)?.managed ?? false });
  const href = (id: string) => `/admin/scope?id=${encodeURIComponent(scopeId)}&tab=settings&role=${encodeURIComponent(id)}`;
  const explicitHere = nodeOf(index, scopeId)?.settings;
  return (
    <div className="grid gap-6 lg:grid-cols-[14rem_1fr]">
      <nav aria-label="Roles">
        <ul className="space-y-1">
          {roles.map((r) => (
            <li key={r.id}>
              <Link
                href={href(r.id)}
                aria-current={r.id === role.id ? 'page' : undefined}
                className={[
                  'block rounded-md px-3 py-2 text-sm',
                  r.id === role.id
                    ? 'bg-indigo-100 font-medium text-indigo-900 dark:bg-indigo-900 dark:text-indigo-50'
                    : 'hover:bg-slate-100 dark:hover:bg-slate-800',
                ].join(' ')}
              >
                {r.name} <span className="text-xs text-[var(--muted)]">{explicitHere?.has(r.id) ? '· explicit' : '· defaults'}</span>
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      <div className="space-y-4">
        {weak.total > 0 && (
          <Notice tone="warning" title={`${weak.total} child scope${weak.total === 1 ? '' : 's'} demand less than ${role.name} here`}>
            <p>
              Settings are not inherited: activating {role.name} at these scopes skips what this scope demands. Tick “Also apply these
              settings to all child scopes” to align them.
            </p>
            <ul className="ml-4 mt-2 list-disc" aria-label="Weaker child scopes">
              {weak.shown.map((w) => (
                <li key={w.scopeId}>{w.reasons.map((r) => describe(r, n)).join('; ')}</li>
              ))}
            </ul>
            {weak.total > weak.shown.length && <p className="mt-1">…and {weak.total - weak.shown.length} more child scopes.</p>}
          </Notice>
        )}
        <Card title={`${role.name} settings`}>
          <SettingsForm
            scopeId={scopeId}
            roleId={role.id}
            roleName={role.name}
            scopeName={scopePathText(index, scopeId)}
            settings={g.settings}
            defaults={defaultSettingsFor(role.id)}
            explicit={g.explicit}
            approverOptions={principalOptions(g.settings.approvers)}
            childCount={childCount}
            proposedApprover={linkedPrincipal(proposedApprover) ?? undefined}
          />
        </Card>
      </div>
    </div>
  );
}
