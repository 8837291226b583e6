'use client';

import { useFormAction } from './use-form-action';
import { useEffect, useId, useState } from 'react';
import { useRouter } from 'next/navigation';
import { addResourceAction, enablePimAction, importResourcesAction } from '@/app/(portal)/admin/resources/actions';
import { Button } from '@/components/ui/button';
import { Field, FieldErrors, inputClass } from '@/components/ui/field';
import { ActionMessage, Notice } from '@/components/ui/notice';

export function EnablePimButton({ scopeId, name }: { scopeId: string; name: string }) {
  const [state, onSubmit, pending] = useFormAction(enablePimAction);
  const router = useRouter();
  useEffect(() => { if (state?.ok) router.refresh(); }, [state, router]);
  return (
    <form onSubmit={onSubmit} className="flex flex-wrap items-center gap-2">
      <input type="hidden" name="scopeId" value={scopeId} />
      <Button type="submit" disabled={pending} aria-label={`Enable PIM on ${name}`}>{pending ? 'Enabling…' : 'Enable PIM'}</Button>
      <ActionMessage state={state} />
    </form>
  );
}

export interface ParentOption { id: string; label: string; kind: string }

const PARENT_KINDS: Record<string, string[]> = {
  managementGroup: ['managementGroup', ''],
  subscription: ['managementGroup', ''],
  resourceGroup: ['subscription'],
  resource: ['resourceGroup'],
};

/** Add one resource by hand: kind, name, parent (only parents of a fitting kind are offered). */
export function AddResourceForm({ parents }: { parents: ParentOption[] }) {
  const [state, onSubmit, pending] = useFormAction(addResourceAction);
  const router = useRouter();
  const id = useId();
  const v = state && !state.ok ? state.values : undefined;
  const errors = state && !state.ok ? state.fieldErrors : undefined;
  const [kind, setKind] = useState(String(v?.kind ?? 'subscription'));
  useEffect(() => { if (state?.ok) router.refresh(); }, [state, router]);
  const fitting = parents.filter((p) => PARENT_KINDS[kind]?.includes(p.kind));
  const topLevel = PARENT_KINDS[kind]?.includes('');
  return (
    <form onSubmit={onSubmit} className="space-y-3">
      <ActionMessage state={state} />
      <div className="space-y-1">
        <label htmlFor={`${id}-k`} className="block text-sm font-medium">Kind</label>
        <select id={`${id}-k`} name="kind" value={kind} onChange={(e) => setKind(e.target.value)} className={inputClass}>
          <option value="managementGroup">Management group</option>
          <option value="subscription">Subscription</option>
          <option value="resourceGroup">Resource group</option>
          <option value="resource">Resource</option>
        </select>
      </div>
      <Field label="Name" name="name" required maxLength={90} defaultValue={v?.name ? String(v.name) : ''} errors={errors?.name} />
      {kind === 'resource' && <Field label="Provider type" name="type" placeholder="Microsoft.Compute/virtualMachines" required defaultValue={v?.type ? String(v.type) : ''} errors={errors?.type} />}
      {kind === 'subscription' && <Field label="Subscription id (optional)" name="key" placeholder="generated when empty" defaultValue={v?.key ? String(v.key) : ''} errors={errors?.key} />}
      <div className="space-y-1">
        <label htmlFor={`${id}-p`} className="block text-sm font-medium">Parent</label>
        <select id={`${id}-p`} name="parentId" key={kind} defaultValue={v?.parentId ? String(v.parentId) : ''} className={inputClass} aria-describedby={`${id}-ph`}>
          {topLevel && <option value="">None: top level, not managed until you enable PIM</option>}
          {fitting.map((p) => <option key={p.id} value={p.id}>{p.label}</option>)}
        </select>
        <p id={`${id}-ph`} className="text-xs text-[var(--muted)]">Under a managed parent the new resource is managed at once.</p>
        <FieldErrors errors={errors?.parentId} />
      </div>
      <Button type="submit" disabled={pending}>{pending ? 'Adding…' : 'Add resource'}</Button>
    </form>
  );
}

/** Import a JSON list or an Azure Resource Graph export; shows the report of what was added and skipped. */
export function ImportForm() {
  const [state, onSubmit, pending] = useFormAction(importResourcesAction);
  const router = useRouter();
  const id = useId();
  const [json, setJson] = useState('');
  useEffect(() => { if (state?.ok) router.refresh(); }, [state, router]);
  const errors = state && !state.ok ? state.fieldErrors : undefined;
  const report = state?.ok ? state.data : undefined;
  return (
    <form onSubmit={onSubmit} className="space-y-3">
      <div className="space-y-1">
        <label htmlFor={`${id}-f`} className="block text-sm font-medium">JSON file</label>
        <input id={`${id}-f`} type="file" accept="application/json,.json" className="block text-sm"
          onChange={async (e) => { const f = e.target.files?.[0]; setJson(f ? await f.text() : ''); }} />
        <p className="text-xs text-[var(--muted)]">
          A list of <code>{'{id, name, type, parentId}'}</code>, or an Azure Resource Graph export (<code>id, name, type, subscriptionId, resourceGroup</code>).
        </p>
      </div>
      <div className="space-y-1">
        <label htmlFor={`${id}-j`} className="block text-sm font-medium">Or paste the JSON</label>
        <textarea id={`${id}-j`} name="json" rows={4} value={json} onChange={(e) => setJson(e.target.value)} className={`${inputClass} font-mono`} aria-invalid={errors?.json || errors?.file ? true : undefined} />
        <FieldErrors errors={errors?.json ?? errors?.file} />
      </div>
      <Button type="submit" disabled={pending || !json.trim()}>{pending ? 'Importing…' : 'Import'}</Button>
      <div aria-live="polite">
        {state && !state.ok && !errors && <Notice tone="error">{state.message}</Notice>}
        {report && (
          <Notice tone={report.skipped.length ? 'warning' : 'success'} title={state!.message}>
            {report.added.length > 0 && (
              <details className="mt-2"><summary>Added ({report.added.length})</summary>
                <ul className="ml-4 list-disc">{report.added.map((a) => <li key={a.id}>{a.name} <span className="text-xs">({a.kind})</span></li>)}</ul>
              </details>
            )}
            {report.skipped.length > 0 && (
              <div className="mt-2">
                <p className="font-medium">Skipped ({report.skipped.length})</p>
                <ul className="ml-4 list-disc">{report.skipped.map((s, i) => <li key={`${s.id}-${i}`}><code className="break-all">{s.id}</code>: {s.reason}</li>)}</ul>
              </div>
            )}
          </Notice>
        )}
      </div>
    </form>
  );
}
