'use client';

import { useClock } from '@/components/ui/clock';
import { useActionState, useEffect, useId, useMemo, useState } from 'react';
import Link from 'next/link';
import type { ActivationTarget, ScopeChoice } from '@/lib/activation/my-roles';
import type { SubmittedLine } from '@/lib/activation/describe-result';
import type { ActionState } from '@/lib/auth/action';
import { activateRoles, enrolForActivation } from '@/app/(portal)/my-roles/actions';
import { Button } from '@/components/ui/button';
import { Field, FieldErrors, RequiredMark, inputClass } from '@/components/ui/field';
import { Notice } from '@/components/ui/notice';
import { Badge } from '@/components/ui/badge';
import { Time, formatDuration } from '@/components/ui/time';
import { EnrolMfaForm } from '@/components/mfa/enrol-mfa-form';
import { IdpStepUpButton, useMfaOptions } from '@/components/mfa/idp-step-up';
import { ScopeTree, fetchScopes } from './scope-tree';
import { DemoAuthenticator } from './demo-authenticator';
import { ScopeSettings } from './scope-settings';

export interface EnrolOffer {
  sealed: string;
  manualKey: string;
  qrDataUrl: string;
}

type Result = { summary: string; lines: SubmittedLine[] };

const toLocalInput = (ms: number) => {
  const d = new Date(ms - new Date(ms).getTimezoneOffset() * 60_000);
  return d.toISOString().slice(0, 16);
};

/**
 * Activate one or several eligible roles: narrow each to one or several scopes, see the
 * governing settings and the outcome per scope before submitting, then one start,
 * duration, justification, ticket and MFA step for all of them.
 */
export function ActivationForm({
  rows,
  initialScopes,
  mfaFresh,
  mfaEnrolled,
  enrolOffer,
  onDone,
}: {
  /** each eligibility with its own scope evaluated; the scopes below load from the server */
  rows: ActivationTarget[];
  initialScopes?: Record<string, string[]>;
  mfaFresh: boolean;
  mfaEnrolled: boolean;
  enrolOffer: EnrolOffer | null;
  onDone: () => void;
}) {
  const [state, formAction, pending] = useActionState<ActionState<Result>, FormData>(activateRoles, null);
  // scopes seen so far per eligibility (from the page, then from the tree as it loads), so
  // what is chosen can be previewed whatever level it was picked at
  const key = (eligibilityId: string, scopeId: string) => `${eligibilityId}|${scopeId}`;
  const [known, setKnown] = useState<Map<string, ScopeChoice>>(
    () => new Map(rows.flatMap((r) => (r.scope ? [[key(r.eligibilityId, r.scope.id), r.scope] as const] : []))),
  );
  const rootOf = (r: ActivationTarget) => r.scope;
  // nothing is ticked unless the person came from a scope ("Activate again"): the eligible
  // scope itself may need approval (Jen's subscription), and ticking it for her would send an
  // approval request she did not mean when she came to activate finance-test
  const [selected, setSelected] = useState<Record<string, Set<string>>>(() =>
    Object.fromEntries(rows.map((r) => [r.eligibilityId, new Set(initialScopes?.[r.eligibilityId] ?? [])])),
  );
  const [duration, setDuration] = useState(() =>
    String(Math.min(60, ...rows.flatMap((r) => (rootOf(r) ? [rootOf(r)!.maxDurationMinutes] : [])))),
  );
  // a scope chosen before the dialog opened ("Activate again") may lie deeper than the page's data: ask for it
  useEffect(() => {
    for (const [eligibilityId, ids] of Object.entries(initialScopes ?? {})) {
      for (const scopeId of ids) {
        if (known.has(key(eligibilityId, scopeId))) continue;
        fetchScopes(eligibilityId, { scope: scopeId })
          .then((p) => setKnown((m) => new Map(m).set(key(eligibilityId, scopeId), p.rows[0])))
          .catch(() => undefined);
      }
    }
    // only the scopes given when the dialog opened
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  const [startMode, setStartMode] = useState<'now' | 'later'>('now');
  const [startLocal, setStartLocal] = useState(() => toLocalInput(Date.now() + 3_600_000));
  const [justification, setJustification] = useState('');
  const [ticketNumber, setTicketNumber] = useState('');
  const [ticketSystem, setTicketSystem] = useState('');
  const [enrolled, setEnrolled] = useState(mfaEnrolled);

  const chosen: { row: ActivationTarget; scope: ScopeChoice }[] = useMemo(
    () =>
      rows.flatMap((row) =>
        [...(selected[row.eligibilityId] ?? [])].flatMap((id) => {
          const scope = known.get(`${row.eligibilityId}|${id}`);
          return scope ? [{ row, scope }] : [];
        }),
      ),
    [rows, selected, known],
  );
  const needs = {
    mfa: chosen.some((c) => c.scope.requires.mfa),
    justification: chosen.some((c) => c.scope.requires.justification),
    ticket: chosen.some((c) => c.scope.requires.ticket),
  };
  const errors = state && !state.ok ? state.fieldErrors : undefined;
  const askCode = needs.mfa && (!mfaFresh || !!errors?.mfaCode);
  // the tenant's MFA method (ADR 101): an authenticator code, the identity provider, or either
  const mfaOptions = useMfaOptions();
  const viaTotp = mfaOptions?.totp ?? true;
  const viaIdp = mfaOptions?.idp ?? false;
  const startAtMs = startMode === 'later' ? new Date(startLocal).getTime() : undefined;
  const minutes = Number(duration) || 0;
  const items = rows
    .map((r) => ({ eligibilityId: r.eligibilityId, scopeIds: [...(selected[r.eligibilityId] ?? [])] }))
    .filter((i) => i.scopeIds.length);
  const maxHere = chosen.length ? Math.min(...chosen.map((c) => c.scope.maxDurationMinutes)) : null;

  if (state?.ok && state.data) {
    return <Outcome result={state.data} onDone={onDone} />;
  }

  const toggle = (eligibilityId: string, scope: ScopeChoice) => {
    setKnown((m) => (m.get(key(eligibilityId, scope.id)) === scope ? m : new Map(m).set(key(eligibilityId, scope.id), scope)));
    setSelected((prev) => {
      const next = new Set(prev[eligibilityId]);
      if (next.has(scope.id)) next.delete(scope.id);
      else next.add(scope.id);
      return { ...prev, [eligibilityId]: next };
    });
  };

  return (
    <div className="space-y-5">
      <form action={formAction} className="space-y-5" noValidate>
        <div aria-live="polite">
          {state && !state.ok && (
            <Notice tone="error" title="Nothing was requested">
              <p>{withoutHeading(state.message, 'Nothing was requested')}</p>
              <FieldErrors errors={[...(errors?.scopeIds ?? []), ...(errors?.form ?? []), ...(errors?.items ?? [])]} />
            </Notice>
          )}
        </div>
        <input type="hidden" name="items" value={JSON.stringify(items)} />
        {startAtMs !== undefined && <input type="hidden" name="startAtMs" value={Number.isFinite(startAtMs) ? startAtMs : ''} />}

        {rows.map((row) => (
          <section key={row.eligibilityId} className="space-y-3 rounded-md border border-[var(--border)] p-3">
            <h3 className="font-semibold">
              {row.roleName}{' '}
              <span className="font-normal text-[var(--muted)]">eligible on {row.crumbs.map((c) => c.name).join(' › ')}</span>
            </h3>
            <ScopeTree
              label={`Scopes for ${row.roleName}: the eligible scope or any managed scope below it`}
              eligibilityId={row.eligibilityId}
              root={rootOf(row)}
              selected={selected[row.eligibilityId] ?? new Set()}
              onToggle={(scope) => toggle(row.eligibilityId, scope)}
            />
          </section>
        ))}

        <section aria-labelledby="what-happens" className="space-y-2">
          <h3 id="what-happens" className="font-semibold">
            What will happen
          </h3>
          {chosen.length === 0 ? (
            <p className="text-sm text-[var(--muted)]">Choose at least one scope above.</p>
          ) : (
            <ul className="space-y-2" aria-live="polite">
              {chosen.map(({ row, scope }) => (
                <li key={row.eligibilityId + scope.id}>
                  <ScopeSettings roleName={row.roleName} scope={scope} startAt={startAtMs ?? null} minutes={minutes} />
                </li>
              ))}
            </ul>
          )}
        </section>

        <div className="grid gap-4 sm:grid-cols-2">
          <fieldset className="space-y-2">
            <legend className="text-sm font-medium">Start</legend>
            <label className="flex items-center gap-2 text-sm">
              <input type="radio" name="startMode" value="now" checked={startMode === 'now'} onChange={() => setStartMode('now')} /> Now
            </label>
            <label className="flex items-center gap-2 text-sm">
              <input type="radio" name="startMode" value="later" checked={startMode === 'later'} onChange={() => setStartMode('later')} />{' '}
              Later
            </label>
            {startMode === 'later' && (
              <Field
                label="Start at (your time zone)"
                name="startLocal"
                type="datetime-local"
                value={startLocal}
                onChange={(e) => setStartLocal(e.target.value)}
                errors={errors?.startAt ?? errors?.startAtMs}
              />
            )}
            {startMode === 'now' && <FieldErrors errors={errors?.startAt ?? errors?.startAtMs} />}
          </fieldset>
          <Field
            label="Duration (minutes)"
            name="durationMinutes"
            type="number"
            inputMode="numeric"
            min={5}
            step={5}
            value={duration}
            onChange={(e) => setDuration(e.target.value)}
            errors={errors?.durationMinutes}
            hint={
              maxHere !== null
                ? `Up to ${formatDuration(maxHere * 60_000)} for what you chose${minutes ? ` · ${formatDuration(minutes * 60_000)} asked` : ''}`
                : undefined
            }
          />
        </div>

        <JustificationField
          label={`Justification${needs.justification ? '' : ' (optional)'}`}
          required={needs.justification}
          value={justification}
          onChange={setJustification}
          errors={errors?.justification}
        />
        {(needs.ticket || errors?.ticketNumber) && (
          <div className="grid gap-4 sm:grid-cols-2">
            <Field
              label="Ticket number"
              name="ticketNumber"
              value={ticketNumber}
              onChange={(e) => setTicketNumber(e.target.value)}
              errors={errors?.ticketNumber}
            />
            <Field
              label="Ticket system"
              name="ticketSystem"
              value={ticketSystem}
              onChange={(e) => setTicketSystem(e.target.value)}
              errors={errors?.ticketSystem}
              placeholder="e.g. ServiceNow"
            />
          </div>
        )}

        {askCode && viaIdp && mfaOptions && <IdpStepUpButton options={mfaOptions} intent="to verify this activation" />}
        {askCode && enrolled && viaTotp && (
          <div className="grid gap-4 sm:grid-cols-2">
            <Field
              label="MFA code"
              name="mfaCode"
              inputMode="numeric"
              autoComplete="one-time-code"
              maxLength={6}
              pattern="\d{6}"
              required={!viaIdp}
              errors={errors?.mfaCode}
              hint="The 6-digit code from your authenticator app. One code covers this whole submission."
            />
            <DemoAuthenticator />
          </div>
        )}
        {needs.mfa && !askCode && (
          <p className="text-sm text-[var(--muted)]">MFA: verified in this session a moment ago, no code needed.</p>
        )}

        <div className="flex flex-wrap gap-2">
          <Button type="submit" disabled={pending || chosen.length === 0 || (askCode && !(enrolled && viaTotp))}>
            {pending ? 'Submitting…' : submitLabel(chosen.map((c) => c.scope))}
          </Button>
          <Button variant="secondary" onClick={onDone}>
            Cancel
          </Button>
        </div>
      </form>

      {askCode && !enrolled && enrolOffer && viaTotp && !viaIdp && (
        <section aria-labelledby="enrol-title" className="space-y-2 rounded-md border border-[var(--border)] p-3">
          <h3 id="enrol-title" className="font-semibold">
            First, set up your authenticator app
          </h3>
          <p className="text-sm text-[var(--muted)]">
            These scopes require MFA. Scan the code, enter one code to finish, then activate with the next code.
          </p>
          <EnrolMfaForm offer={enrolOffer} action={enrolForActivation} onDone={() => setEnrolled(true)} />
        </section>
      )}
    </div>
  );
}

/**
 * Says on the button what the submission does, from the engine's outcome per chosen scope:
 * a scope that needs approval sends a request, it does not activate.
 */
export function submitLabel(scopes: Pick<ScopeChoice, 'outcome'>[]): string {
  const asks = scopes.filter((s) => s.outcome.kind === 'approval').length;
  const now = scopes.length - asks;
  if (!asks) return now > 1 ? `Activate ${now} scopes` : 'Activate';
  if (!now) return asks > 1 ? `Request approval for ${asks} scopes` : 'Request approval';
  return `Activate ${now} and request approval for ${asks}`;
}

/** The notice's heading already says it: drop it from the front of the message below it. */
export function withoutHeading(message: string, heading: string): string {
  return message.startsWith(heading) ? message.slice(heading.length).replace(/^[.:;,]?\s*/, '') || message : message;
}

export function JustificationField({
  label,
  value,
  onChange,
  errors,
  required = false,
  hint = 'Why you need the role; approvers and the audit log see it.',
}: {
  label: string;
  value: string;
  onChange: (v: string) => void;
  errors?: string[];
  hint?: string;
  required?: boolean;
}) {
  const id = useId();
  return (
    <div className="space-y-1">
      <label htmlFor={id} className="block text-sm font-medium">
        {label}
        {required && <RequiredMark />}
      </label>
      <textarea
        id={id}
        name="justification"
        rows={2}
        maxLength={1000}
        value={value}
        required={required}
        onChange={(e) => onChange(e.target.value)}
        className={inputClass}
        aria-invalid={errors?.length ? true : undefined}
        aria-describedby={`${id}-hint${errors?.length ? ` ${id}-error` : ''}`}
      />
      <p id={`${id}-hint`} className="text-xs text-[var(--muted)]">
        {hint}
      </p>
      <FieldErrors id={`${id}-error`} errors={errors} />
    </div>
  );
}

function Outcome({ result, onDone }: { result: Result; onDone: () => void }) {
  const now = useClock();
  return (
    <div className="space-y-4" role="status">
      <Notice tone="success" title="Submitted">
        {result.summary}
      </Notice>
      <ul className="space-y-2">
        {result.lines.map((l) => (
          <li key={l.requestId} className="rounded-md border border-[var(--border)] p-3 text-sm">
            <div className="flex flex-wrap items-center gap-2">
              <Badge state={l.status === 'Provisioned' ? 'Active' : 'Pending approval'} />
              <span className="font-medium">{l.role}</span> on <span>{l.scopePath}</span>
            </div>
            <p className="mt-1">
              {l.status === 'Provisioned' ? (
                <>
                  Active {l.startAt > now + 60_000 ? <Time at={l.startAt} prefix="from" /> : 'now'}, <Time at={l.endAt} prefix="until" />.
                </>
              ) : (
                <>
                  Needs approval from {l.approvers.join(', ')}; <Time at={l.approvalDeadline} prefix="times out" />.
                </>
              )}
            </p>
            <Link href={`/requests/${l.requestId}`} className="text-indigo-700 underline dark:text-indigo-300">
              View request
            </Link>
          </li>
        ))}
      </ul>
      <Button onClick={onDone}>Done</Button>
    </div>
  );
}
