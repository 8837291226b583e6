'use client';

import { useId, useMemo, useState } from 'react';
import { inputClass, FieldErrors } from '@/components/ui/field';

export interface PrincipalOption {
  value: string; // "User:id" | "Group:id"
  label: string;
  detail?: string;
}

/** A searchable single choice of user or group: type to filter, then pick from the list. */
export function PrincipalPicker({ name, label, options, errors, defaultValue }: { name: string; label: string; options: PrincipalOption[]; errors?: string[]; defaultValue?: string }) {
  const id = useId();
  const [q, setQ] = useState('');
  const [value, setValue] = useState(defaultValue ?? '');
  const shown = useMemo(() => {
    const n = q.trim().toLowerCase();
    const list = n ? options.filter((o) => `${o.label} ${o.detail ?? ''}`.toLowerCase().includes(n)) : options;
    // keep the chosen one visible even when the filter hides it
    const chosen = options.find((o) => o.value === value);
    return chosen && !list.includes(chosen) ? [chosen, ...list] : list;
  }, [q, options, value]);
  return (
    <div className="space-y-1">
      <label htmlFor={`${id}-q`} className="block text-sm font-medium">Search users and groups</label>
      <input id={`${id}-q`} type="search" value={q} onChange={(e) => setQ(e.target.value)} placeholder="Name or e-mail" className={inputClass} autoComplete="off" />
      <label htmlFor={id} className="block text-sm font-medium">{label}</label>
      <select
        id={id} name={name} value={value} onChange={(e) => setValue(e.target.value)} required size={Math.min(6, Math.max(3, shown.length + 1))}
        aria-invalid={errors?.length ? true : undefined} aria-describedby={errors?.length ? `${id}-err` : undefined} className={inputClass}
      >
        <option value="" disabled>{shown.length ? 'Choose…' : 'No match'}</option>
        {shown.map((o) => (
          <option key={o.value} value={o.value}>
            {o.value.startsWith('Group:') ? 'Group · ' : ''}{o.label}{o.detail ? ` (${o.detail})` : ''}
          </option>
        ))}
      </select>
      <FieldErrors id={`${id}-err`} errors={errors} />
    </div>
  );
}
