'use client';

import { useEffect, useId, useState, type KeyboardEvent } from 'react';
import { inputClass, FieldErrors } from '@/components/ui/field';

export interface PrincipalOption {
  value: string; // "User:id" | "Group:id"
  label: string;
  detail?: string;
}

/** Which principals a picker offers, and who it serves (the search authorizes on it). */
export interface PrincipalQuery {
  kind?: 'all' | 'user' | 'group';
  /** the scope the form acts on: management access there lets its managers search */
  scopeId?: string;
  /** the add-member picker leaves out the group's members */
  notInGroup?: string;
}

const isGroup = (o: PrincipalOption) => o.value.startsWith('Group:');
/** What an option reads as, in the list and (for screen readers) as its name. */
export const optionText = (o: PrincipalOption) => `${isGroup(o) ? 'Group · ' : ''}${o.label}${o.detail ? ` (${o.detail})` : ''}`;
/** What the box shows once chosen: a group's member count would date, an e-mail tells people apart. */
const chosenText = (o: PrincipalOption) => (isGroup(o) ? `Group · ${o.label}` : optionText(o));

const DEBOUNCE_MS = 150;
/** the server's cap (PICKER_LIMIT in lib/principals): a full answer means "there may be more" */
const SEARCH_CAP = 20;

/**
 * Server-side search for a picker (GET /api/principals): at most 20 matches per
 * keystroke, never the directory. Stale answers are dropped when the text moves on.
 */
function usePrincipalSearch(text: string, open: boolean, query: PrincipalQuery) {
  const [state, setState] = useState<{ items: PrincipalOption[]; loading: boolean; error?: string; for?: string }>({
    items: [],
    loading: false,
  });
  const { kind, scopeId, notInGroup } = query;
  useEffect(() => {
    if (!open) return;
    const ctrl = new AbortController();
    const q = text.trim();
    // eslint-disable-next-line react-hooks/set-state-in-effect -- the search starts here: show it loading until it answers
    setState((s) => ({ ...s, loading: true, error: undefined }));
    const timer = setTimeout(async () => {
      const params = new URLSearchParams({ q, kind: kind ?? 'all' });
      if (scopeId) params.set('scope', scopeId);
      if (notInGroup) params.set('notInGroup', notInGroup);
      try {
        const res = await fetch(`/api/principals?${params}`, { signal: ctrl.signal, headers: { accept: 'application/json' } });
        const body = await res.json().catch(() => null);
        if (!res.ok) setState({ items: [], loading: false, error: body?.error?.message ?? 'The search failed. Try again.', for: q });
        else setState({ items: body.items as PrincipalOption[], loading: false, for: q });
      } catch (e) {
        if ((e as Error).name !== 'AbortError')
          setState({ items: [], loading: false, error: 'The search failed. Check your connection and try again.', for: q });
      }
    }, DEBOUNCE_MS);
    return () => {
      clearTimeout(timer);
      ctrl.abort();
    };
  }, [text, open, kind, scopeId, notInGroup]);
  return state;
}

export interface ComboboxProps extends PrincipalQuery {
  label: string;
  /** called with the chosen option, or null when the person types over a choice */
  onPick: (o: PrincipalOption | null) => void;
  /** the current choice (single-choice pickers show it in the box) */
  chosen?: PrincipalOption | null;
  /** multi-choice pickers empty the box after each pick */
  clearOnPick?: boolean;
  placeholder?: string;
  errors?: string[];
  hint?: string;
}

/**
 * A keyboard-accessible combobox (ARIA combobox with a listbox popup): type to search on
 * the server, ↓/↑ to move, Enter to choose, Escape to close. Enter never submits the
 * surrounding form while the list is open.
 */
export function PrincipalCombobox({
  label,
  onPick,
  chosen,
  clearOnPick,
  placeholder = 'Type a name or e-mail',
  errors,
  hint,
  ...query
}: ComboboxProps) {
  const id = useId();
  const listId = `${id}-list`;
  const [text, setText] = useState(chosen ? chosenText(chosen) : '');
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const [announce, setAnnounce] = useState('');
  // a box showing its choice searches from the top when reopened, not for "Jen (jen@…)"
  const searchFor = chosen && text === chosenText(chosen) ? '' : text;
  const { items, loading, error, for: answeredFor } = usePrincipalSearch(searchFor, open, query);
  const showList = open && items.length > 0;
  // keep the option moved to by keyboard in sight
  useEffect(() => {
    if (showList && active >= 0) document.getElementById(`${id}-opt-${active}`)?.scrollIntoView({ block: 'nearest' });
  }, [showList, active, id]);

  const choose = (o: PrincipalOption) => {
    onPick(o);
    setText(clearOnPick ? '' : chosenText(o));
    setOpen(false);
    setActive(-1);
    setAnnounce(`${chosenText(o)} chosen.`);
  };

  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'ArrowDown') {
      e.preventDefault();
      if (!open) setOpen(true);
      else setActive((a) => Math.min(a + 1, items.length - 1));
    } else if (e.key === 'ArrowUp') {
      e.preventDefault();
      setActive((a) => Math.max(a - 1, 0));
    } else if (e.key === 'Enter') {
      if (!open) return;
      e.preventDefault(); // choosing, not submitting
      const o = items[active >= 0 ? active : 0];
      if (o && (active >= 0 || items.length === 1)) choose(o);
    } else if (e.key === 'Escape') {
      if (open) {
        e.preventDefault();
        e.stopPropagation(); // close the list, not the dialog around it
        setOpen(false);
        setActive(-1);
      }
    } else if (e.key === 'Tab') {
      setOpen(false);
    }
  };

  const status = !open
    ? announce
    : error
      ? error
      : loading || answeredFor !== searchFor.trim()
        ? 'Searching…'
        : items.length === 0
          ? searchFor.trim()
            ? `No ${query.kind === 'user' || query.notInGroup ? 'user' : 'user or group'} matches “${searchFor.trim()}”.`
            : 'Nobody to choose yet.'
          : items.length >= SEARCH_CAP
            ? `First ${items.length} matches; type more to narrow them.`
            : `${items.length} match${items.length === 1 ? '' : 'es'}.`;
  const describedBy = [hint ? `${id}-hint` : '', `${id}-status`, errors?.length ? `${id}-err` : ''].filter(Boolean).join(' ');

  return (
    <div className="relative space-y-1">
      <label htmlFor={id} className="block text-sm font-medium">
        {label}
      </label>
      <input
        id={id}
        type="text"
        role="combobox"
        autoComplete="off"
        spellCheck={false}
        placeholder={placeholder}
        className={inputClass}
        aria-expanded={showList}
        aria-controls={listId}
        aria-autocomplete="list"
        aria-activedescendant={showList && active >= 0 ? `${id}-opt-${active}` : undefined}
        aria-invalid={errors?.length ? true : undefined}
        aria-describedby={describedBy}
        value={text}
        onChange={(e) => {
          setText(e.target.value);
          setOpen(true);
          setActive(-1);
          if (chosen) onPick(null); // typing over a choice un-chooses it: the form never submits a stale value
        }}
        onFocus={() => setOpen(true)}
        onClick={() => setOpen(true)}
        onBlur={() => {
          setOpen(false);
          setActive(-1);
        }}
        onKeyDown={onKeyDown}
      />
      {hint && (
        <p id={`${id}-hint`} className="text-xs text-[var(--muted)]">
          {hint}
        </p>
      )}
      <ul
        id={listId}
        role="listbox"
        aria-label="Search results"
        hidden={!showList}
        // keep focus in the box while a click picks an option
        onMouseDown={(e) => e.preventDefault()}
        className="absolute z-20 mt-1 max-h-64 w-full overflow-auto rounded-md border border-[var(--border)] bg-[var(--surface)] py-1 shadow-lg"
      >
        {showList &&
          items.map((o, i) => (
            <li
              key={o.value}
              id={`${id}-opt-${i}`}
              role="option"
              aria-selected={i === active}
              onClick={() => choose(o)}
              onMouseEnter={() => setActive(i)}
              className={`cursor-pointer px-3 py-1.5 text-sm ${i === active ? 'bg-indigo-100 text-indigo-950 dark:bg-indigo-900 dark:text-indigo-50' : ''}`}
            >
              {isGroup(o) ? 'Group · ' : ''}
              {o.label}
              {o.detail ? <span className="text-[var(--muted)]"> ({o.detail})</span> : null}
            </li>
          ))}
      </ul>
      {/* polite, and not role="status": forms keep one status, their action's result */}
      <p id={`${id}-status`} aria-live="polite" className="min-h-4 text-xs text-[var(--muted)]">
        {status}
      </p>
      <FieldErrors id={`${id}-err`} errors={errors} />
    </div>
  );
}

/**
 * A single choice of user or group, searched on the server as the person types. Submits
 * `name` = "User:<id>" / "Group:<id>" (or the bare id with `submit="id"`), as before.
 * `options` only names choices the page already knows (e.g. `defaultValue`); the
 * candidates come from the search.
 */
export function PrincipalPicker({
  name,
  label,
  options = [],
  errors,
  defaultValue,
  submit = 'principal',
  hint,
  ...query
}: {
  name: string;
  label: string;
  options?: PrincipalOption[];
  errors?: string[];
  defaultValue?: string;
  submit?: 'principal' | 'id';
  hint?: string;
} & PrincipalQuery) {
  const [chosen, setChosen] = useState<PrincipalOption | null>(() => options.find((o) => o.value === defaultValue) ?? null);
  const value = chosen ? (submit === 'id' ? chosen.value.slice(chosen.value.indexOf(':') + 1) : chosen.value) : '';
  return (
    <div>
      <PrincipalCombobox label={label} chosen={chosen} onPick={setChosen} errors={errors} hint={hint} {...query} />
      <input type="hidden" name={name} value={value} />
    </div>
  );
}
