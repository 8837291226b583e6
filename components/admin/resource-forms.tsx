'use client';

import { useFormAction } from './use-form-action';
import { useDeferredValue, useEffect, useId, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { addResourceAction, enablePimAction, importResourcesAction } from '@/app/(portal)/admin/resources/actions';
import { Button } from '@/components/ui/button';
import { Field, FieldErrors, inputClass } from '@/components/ui/field';
import { ActionMessage, Notice } from '@/components/ui/notice';
import type { ParentOptions } from '@/lib/resources/levels';

export function EnablePimButton({ scopeId, name }: { scopeId: string; name: string }) {
  const [state, onSubmit, pending] = useFormAction(enablePimAction);
  const router = useRouter();
  useEffect(() => {
    if (state?.ok) router.refresh();
  }, [state, router]);
  return (
    <form onSubmit={onSubmit} className="flex flex-wrap items-center gap-2">
      <input type="hidden" name="scopeId" value={scopeId} />
      <Button type="submit" disabled={pending} aria-label={`Enable PIM on ${name}`}>
        {pending ? 'Enabling…' : 'Enable PIM'}
      </Button>
      <ActionMessage state={state} />
    </form>
  );
}

export interface ParentOption {
  id: string;
  label: string;
  kind: string;
}

/** The parent kinds each kind may sit under; '' is the top level. The server checks again. */
const TOP_LEVEL: Record<string, boolean> = { managementGroup: true, subscription: true, resourceGroup: false, resource: false };

async function fetchParents(kind: string, q: string): Promise<ParentOptions> {
  const res = await fetch(`/admin/resources/parents?kind=${encodeURIComponent(kind)}&q=${encodeURIComponent(q)}`, {
    headers: { accept: 'application/json' },
  });
  if (!res.ok)
    throw new Error(
      ((await res.json().catch(() => null)) as { error?: { message?: string } } | null)?.error?.message ?? 'Could not load the parents.',
    );
  // a signed-out session is sent to the sign-in page, which is not JSON
  if (!res.headers.get('content-type')?.includes('application/json')) throw new Error('Your session has ended. Sign in again.');
  return res.json();
}

/**
 * Add one resource by hand: kind, name, parent. Parents of a fitting kind where you
 * manage PIM are looked up on the server as you type, so the form never carries the tree.
 */
export function AddResourceForm() {
  const [state, onSubmit, pending] = useFormAction(addResourceAction);
  const router = useRouter();
  const id = useId();
  const v = state && !state.ok ? state.values : undefined;
  const errors = state && !state.ok ? state.fieldErrors : undefined;
  const [kind, setKind] = useState(String(v?.kind ?? 'subscription'));
  const [filter, setFilter] = useState('');
  const q = useDeferredValue(filter.trim());
  useEffect(() => {
    if (state?.ok) router.refresh();
  }, [state, router]);
  const parents = useQuery({ queryKey: ['resource-parents', kind, q], queryFn: () => fetchParents(kind, q), staleTime: 10_000 });
  const fitting: ParentOption[] = parents.data?.options ?? [];
  const topLevel = TOP_LEVEL[kind];
  const typedParent = typeof v?.parentId === 'string' && v.parentId ? v.parentId : null;
  return (
    <form onSubmit={onSubmit} className="space-y-3">
      <ActionMessage state={state} />
      <div className="space-y-1">
        <label htmlFor={`${id}-k`} className="block text-sm font-medium">
          Kind
        </label>
        <select id={`${id}-k`} name="kind" value={kind} onChange={(e) => setKind(e.target.value)} className={inputClass}>
          <option value="managementGroup">Management group</option>
          <option value="subscription">Subscription</option>
          <option value="resourceGroup">Resource group</option>
          <option value="resource">Resource</option>
        </select>
      </div>
      <Field label="Name" name="name" required maxLength={90} defaultValue={v?.name ? String(v.name) : ''} errors={errors?.name} />
      {kind === 'resource' && (
        <Field
          label="Provider type"
          name="type"
          placeholder="Microsoft.Compute/virtualMachines"
          required
          defaultValue={v?.type ? String(v.type) : ''}
          errors={errors?.type}
        />
      )}
      {kind === 'subscription' && (
        <Field
          label="Subscription id (optional)"
          name="key"
          placeholder="generated when empty"
          defaultValue={v?.key ? String(v.key) : ''}
          errors={errors?.key}
        />
      )}
      <div className="space-y-1">
        <label htmlFor={`${id}-pq`} className="block text-sm font-medium">
          Filter choices
        </label>
        <input
          id={`${id}-pq`}
          type="search"
          value={filter}
          onChange={(e) => setFilter(e.target.value)}
          placeholder="Type part of a name"
          className={inputClass}
          autoComplete="off"
          aria-describedby={`${id}-pqh`}
        />
        <p id={`${id}-pqh`} className="text-xs text-[var(--muted)]">
          Narrows the list below; only places where you manage PIM are offered.
        </p>
      </div>
      <div className="space-y-1">
        <label htmlFor={`${id}-p`} className="block text-sm font-medium">
          Parent
        </label>
        <select
          id={`${id}-p`}
          name="parentId"
          key={kind}
          defaultValue={typedParent ?? ''}
          className={inputClass}
          aria-describedby={`${id}-ph`}
        >
          {topLevel && <option value="">None: top level, not managed until you enable PIM</option>}
          {typedParent && !fitting.some((p) => p.id === typedParent) && <option value={typedParent}>{typedParent}</option>}
          {fitting.map((p) => (
            <option key={p.id} value={p.id}>
              {p.label}
            </option>
          ))}
        </select>
        <p id={`${id}-ph`} className="text-xs text-[var(--muted)]" aria-live="polite">
          {parents.isError
            ? parents.error.message
            : parents.isPending
              ? 'Loading the places you can add to…'
              : `${fitting.length === 0 ? 'Nothing fits here. ' : ''}` +
                `${parents.data?.more ? 'More fit than are listed: type to narrow. ' : ''}` +
                'Under a managed parent the new resource is managed at once.'}
        </p>
        <FieldErrors errors={errors?.parentId} />
      </div>
      <Button type="submit" disabled={pending}>
        {pending ? 'Adding…' : 'Add resource'}
      </Button>
    </form>
  );
}

/** Import a JSON list or an Azure Resource Graph export; shows the report of what was added and skipped. */
/** The documented import limit; the server enforces it too (413). */
const IMPORT_LIMIT_BYTES = 20 * 2 ** 20;

export function ImportForm() {
  const [state, onSubmit, pending] = useFormAction(importResourcesAction);
  const router = useRouter();
  const id = useId();
  const [json, setJson] = useState('');
  const [tooBig, setTooBig] = useState<string | null>(null);
  useEffect(() => {
    if (state?.ok) router.refresh();
  }, [state, router]);
  const errors = state && !state.ok ? state.fieldErrors : undefined;
  const report = state?.ok ? state.data : undefined;
  return (
    <form onSubmit={onSubmit} className="space-y-3">
      <div className="space-y-1">
        <label htmlFor={`${id}-f`} className="block text-sm font-medium">
          JSON file
        </label>
        <input
          id={`${id}-f`}
          type="file"
          accept="application/json,.json"
          className="block text-sm"
          onChange={async (e) => {
            const f = e.target.files?.[0];
            // the server refuses bodies over the documented limit; say so before uploading
            const over =
              f && f.size > IMPORT_LIMIT_BYTES
                ? `${f.name} is ${(f.size / 2 ** 20).toFixed(1)} MB; an import may be at most 20 MB. Split the file.`
                : null;
            setTooBig(over);
            setJson(f && !over ? await f.text() : '');
          }}
        />
        {tooBig && <Notice tone="error">{tooBig}</Notice>}
        <p className="text-xs text-[var(--muted)]">
          A list of <code>{'{id, name, type, parentId}'}</code>, or an Azure Resource Graph export (
          <code>id, name, type, subscriptionId, resourceGroup</code>).
        </p>
      </div>
      <div className="space-y-1">
        <label htmlFor={`${id}-j`} className="block text-sm font-medium">
          Or paste the JSON
        </label>
        <textarea
          id={`${id}-j`}
          name="json"
          rows={4}
          value={json}
          onChange={(e) => setJson(e.target.value)}
          className={`${inputClass} font-mono`}
          aria-invalid={errors?.json || errors?.file ? true : undefined}
        />
        <FieldErrors errors={errors?.json ?? errors?.file} />
      </div>
      <Button type="submit" disabled={pending || !json.trim()}>
        {pending ? 'Importing…' : 'Import'}
      </Button>
      <div aria-live="polite">
        {state && !state.ok && !errors && <Notice tone="error">{state.message}</Notice>}
        {report && (
          <Notice tone={report.skipped.length ? 'warning' : 'success'} title={state!.message}>
            {report.added.length > 0 && (
              <details className="mt-2">
                <summary>Added ({report.added.length})</summary>
                <ul className="ml-4 list-disc">
                  {report.added.map((a) => (
                    <li key={a.id}>
                      {a.name} <span className="text-xs">({a.kind})</span>
                    </li>
                  ))}
                </ul>
              </details>
            )}
            {report.skipped.length > 0 && (
              <div className="mt-2">
                <p className="font-medium">Skipped ({report.skipped.length})</p>
                <ul className="ml-4 list-disc">
                  {report.skipped.map((s, i) => (
                    <li key={`${s.id}-${i}`}>
                      <code className="break-all">{s.id}</code>: {s.reason}
                    </li>
                  ))}
                </ul>
              </div>
            )}
          </Notice>
        )}
      </div>
    </form>
  );
}
