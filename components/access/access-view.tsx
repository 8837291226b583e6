import Link from 'next/link';
import {
  ACCESS_KEY_SHAPE,
  accessAt,
  accessList,
  findResources,
  type AccessRow,
  type ResourceAnswer,
  type RoleSentence,
  type WindowPhrase,
} from '@/lib/access';
import { decodeCursor, searchText } from '@/lib/portal/keyset';
import { Card, EmptyState } from '@/components/ui/card';
import { Badge } from '@/components/ui/badge';
import { Notice } from '@/components/ui/notice';
import { inputClass } from '@/components/ui/field';
import { buttonClass } from '@/components/ui/button';
import { Time } from '@/components/ui/time';
import { ScopePath } from '@/components/scope/scope-path';
import { Pager } from '@/app/(portal)/admin/users/pager';

/** What a row means for the scopes below it (rule 1). */
const REACH = 'Each reaches the scope and everything below it.';

/** The query keys the access view reads: the resource search and the list's filter and cursors. */
export const ACCESS_PARAMS = ['q', 'resource', 'lq', 'after', 'before'] as const;
export type AccessParams = Partial<Record<(typeof ACCESS_PARAMS)[number], string>>;

const href = (base: string, sp: AccessParams, change: AccessParams) => {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries({ ...sp, ...change })) if (v) u.set(k, v);
  const s = u.toString();
  return s ? `${base}?${s}` : base;
};

/**
 * My access, for oneself (`/my-access`) or, for a tenant PIM administrator, for anyone
 * (`/admin/users/[id]/access`): a resource check answering "can I touch X, and if not,
 * what would it take?", and the list of roles held and eligible. Server-rendered: the
 * search runs in SQL with a limit, the list is keyset-paged; the services authorize.
 */
export function AccessView(props: { viewerId: string; userId: string; sp: AccessParams; base: string; self: boolean; now: number }) {
  const { viewerId, userId, sp, base, self, now } = props;
  const { q, cut } = searchText(sp.q);
  const found = q ? findResources(q) : { hits: [], more: false };
  // an exact name (or the only hit) is answered at once; otherwise the person picks one
  const exact =
    found.hits.find((h) => h.name.toLowerCase() === q.toLowerCase() || h.id === q.toLowerCase()) ??
    (found.hits.length === 1 ? found.hits[0] : undefined);
  const chosen = sp.resource ?? exact?.id;
  const answer = chosen ? accessAt(viewerId, userId, chosen, now) : null;
  const lq = searchText(sp.lq).q;
  const token = sp.after ?? sp.before;
  const key = token ? decodeCursor(token, ACCESS_KEY_SHAPE) : null;
  const list = accessList(viewerId, userId, now, { q: lq, seek: key ? (sp.after ? { after: key } : { before: key }) : {} });
  const who = self ? 'you' : list.user.displayName;
  const problems = [
    ...(token && !key ? ['That page link is not one of this list’s; showing the first page.'] : []),
    ...(cut ? [`Only the first ${q.length} characters of the search were used.`] : []),
    ...(chosen && !answer ? ['That resource does not exist (any more). Search for it again.'] : []),
  ];
  return (
    <div className="space-y-6">
      {problems.length > 0 && (
        <Notice tone="warning">
          {problems.map((p) => (
            <p key={p}>{p}</p>
          ))}
        </Notice>
      )}
      <Card title="Check a resource" className="scroll-mt-4">
        <span id="check" />
        <form role="search" aria-label="Resource check" action={base} className="mb-3 flex flex-wrap gap-2">
          {sp.lq && <input type="hidden" name="lq" value={sp.lq} />}
          <label htmlFor="access-q" className="sr-only">
            Resource name or id
          </label>
          <input
            id="access-q"
            name="q"
            type="search"
            defaultValue={q}
            maxLength={200}
            placeholder="Resource name, or an id starting with /"
            className={`${inputClass} max-w-md`}
          />
          <button className={buttonClass('secondary')}>Check</button>
        </form>
        <p className="mb-3 text-xs text-[var(--muted)]">
          Can {who} touch it, and if not, what would it take? Each scope follows its own settings.
        </p>
        {q && found.hits.length === 0 && (
          <EmptyState>No resource matches “{q}”. Type part of its name, or its id starting with “/”.</EmptyState>
        )}
        {found.hits.length > 0 && !(exact && !sp.resource && found.hits.length === 1) && (
          <ul aria-label="Matching resources" className="mb-4 divide-y divide-[var(--border)] text-sm">
            {found.hits.map((h) => (
              <li key={h.id} className="py-1">
                <Link
                  className="underline-offset-2 hover:underline"
                  href={href(base, sp, { resource: h.id })}
                  aria-current={h.id === answer?.resource.id ? 'true' : undefined}
                >
                  <ScopePath crumbs={h.crumbs} compact />
                </Link>
              </li>
            ))}
            {found.more && <li className="py-1 text-xs text-[var(--muted)]">More resources match: type more of the name.</li>}
          </ul>
        )}
        {answer && <Answer answer={answer} who={who} />}
      </Card>
      <Card title={self ? 'Roles you hold and can activate' : `Roles ${who} holds and can activate`}>
        <form role="search" aria-label="Role filter" action={base} className="mb-3 flex flex-wrap gap-2">
          {sp.q && <input type="hidden" name="q" value={sp.q} />}
          {sp.resource && <input type="hidden" name="resource" value={sp.resource} />}
          <label htmlFor="access-lq" className="sr-only">
            Filter by role or scope name
          </label>
          <input
            id="access-lq"
            name="lq"
            type="search"
            defaultValue={lq}
            maxLength={200}
            placeholder="Role or scope name"
            className={`${inputClass} max-w-sm`}
          />
          <button className={buttonClass('secondary')}>Filter</button>
        </form>
        <RolesTable
          rows={list.rows}
          checkHref={(scopeId) => `${href(base, sp, { resource: scopeId, q: undefined })}#check`}
          caption={`${self ? 'Your' : `${who}’s`} roles: ${list.count}${lq ? ` matching “${lq}”` : ''}. ${REACH}`}
          empty={
            lq
              ? `No role matches “${lq}”.`
              : self
                ? 'You have no eligible or active roles. Ask an administrator of the scope you need.'
                : `${who} has no eligible or active roles.`
          }
        />
        <Pager
          label="Pages of roles"
          prev={list.prev && href(base, sp, { before: list.prev, after: undefined })}
          next={list.next && href(base, sp, { after: list.next, before: undefined })}
        />
      </Card>
    </div>
  );
}

function WindowText({ w }: { w: WindowPhrase | null }) {
  if (!w) return null;
  if (w.at === null) return <span>permanent</span>;
  return <Time at={w.at} prefix={w.label} />;
}

const BADGE: Record<RoleSentence['state'], string> = {
  Active: 'Active',
  Eligible: 'Eligible',
  Scheduled: 'Scheduled',
  'No access': 'No access',
};

/** The answer for one resource: per role, the engine's verdict in words, and who could grant what is missing. */
export function Answer({ answer, who }: { answer: ResourceAnswer; who: string }) {
  return (
    <section aria-label={`Access on ${answer.resource.name}`} className="rounded-md border border-[var(--border)] p-3">
      <h3 className="mb-1 font-semibold">Access on {answer.resource.name}</h3>
      <p className="mb-3">
        <ScopePath crumbs={answer.resource.crumbs} armId={answer.resource.armId} />
      </p>
      {answer.roles.length === 0 && (
        <p className="text-sm">
          {who === 'you' ? 'You hold' : `${who} holds`} no role on {answer.resource.name} and can activate none.
        </p>
      )}
      <ul aria-label={`Roles on ${answer.resource.name}`} className="space-y-3">
        {answer.roles.map((r) => (
          <li key={r.roleId} className="text-sm">
            <p>
              <span className="font-medium">{r.roleName}</span> <Badge state={BADGE[r.state]} /> <span>{r.headline}</span>
              {r.window && (
                <>
                  ; <WindowText w={r.window} />
                </>
              )}
            </p>
            {r.details && <p className="text-xs text-[var(--muted)]">Activating here: {r.details}.</p>}
            {r.why.length > 0 && (
              <ul className="ml-4 list-disc text-xs">
                {r.why.map((w) => (
                  <li key={w}>{w}</li>
                ))}
              </ul>
            )}
          </li>
        ))}
      </ul>
      {answer.explanation.missing && <p className="mt-3 text-sm">{answer.grantors}</p>}
    </section>
  );
}

function RolesTable(props: { rows: AccessRow[]; caption: string; empty: string; checkHref: (scopeId: string) => string }) {
  const { rows, caption, empty, checkHref } = props;
  if (!rows.length) return <EmptyState>{empty}</EmptyState>;
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-left text-sm">
        <caption className="mb-2 text-left text-xs text-[var(--muted)]">{caption}</caption>
        <thead>
          <tr className="border-b border-[var(--border)] text-xs uppercase text-[var(--muted)]">
            <th scope="col" className="py-2 pr-3">
              Role
            </th>
            <th scope="col" className="py-2 pr-3">
              State
            </th>
            <th scope="col" className="py-2 pr-3">
              Scope
            </th>
            <th scope="col" className="py-2 pr-3">
              Source
            </th>
            <th scope="col" className="py-2 pr-3">
              Window
            </th>
            <th scope="col" className="py-2">
              Activating there
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.scheduleId} className="border-b border-[var(--border)] align-top">
              <th scope="row" className="py-2 pr-3 font-medium">
                {r.roleName}
              </th>
              <td className="py-2 pr-3">
                <Badge state={r.status === 'Scheduled' ? 'Scheduled' : r.kind === 'active' ? 'Active' : 'Eligible'} />
              </td>
              <td className="py-2 pr-3">
                <ScopePath crumbs={r.crumbs} armId={r.armId} compact />
              </td>
              <td className="py-2 pr-3">
                {r.source}
                {r.kind === 'active' && r.origin === 'activated' ? ', activated' : ''}
              </td>
              <td className="py-2 pr-3">
                <WindowText w={r.window} />
              </td>
              <td className="py-2">
                {r.atScope ?? (r.kind === 'active' ? '—' : 'from its start')}{' '}
                <Link
                  className="text-xs underline"
                  href={checkHref(r.scopeId)}
                  aria-label={`Check ${r.crumbs.at(-1)?.name ?? 'this scope'}`}
                >
                  Check
                </Link>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
