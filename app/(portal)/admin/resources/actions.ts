'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { getDb } from '@/lib/db';
import { action } from '@/lib/auth/action';
import { addResource, enablePim, importResources } from '@/lib/resources';

export const enablePimAction = action(
  z.object({ scopeId: z.string().min(1) }),
  (input, { user, now }) => {
    const r = enablePim(getDb(), user, input.scopeId, now);
    revalidatePath('/admin', 'layout');
    return { name: r.displayName };
  },
  { success: (r) => `PIM is enabled on ${r.name} and everything below it.` },
);

const addSchema = z.object({
  kind: z.enum(['managementGroup', 'subscription', 'resourceGroup', 'resource'], { error: 'Choose a kind.' }),
  name: z.string().trim().min(1, 'Give a name.').max(90, 'Use at most 90 characters.'),
  parentId: z
    .string()
    .trim()
    .optional()
    .transform((v) => v || null),
  type: z.string().trim().optional(),
  key: z
    .string()
    .trim()
    .max(90)
    .optional()
    .transform((v) => v || undefined),
});

export const addResourceAction = action(
  addSchema,
  (input, { user, now }) => {
    const r = addResource(getDb(), user, input, now);
    revalidatePath('/admin', 'layout');
    return { id: r.id, name: r.displayName, managed: r.managed };
  },
  { success: (r) => `Added ${r.name}.` },
);

export const importResourcesAction = action(
  z.object({
    json: z.string().trim().min(2, 'Choose a JSON file or paste its content.').max(20_000_000, 'The file is too large (20 MB at most).'),
  }),
  (input, { user, now }) => {
    const report = importResources(getDb(), user, input.json, now);
    revalidatePath('/admin', 'layout');
    return report;
  },
  { success: (r) => `Imported ${r.added.length} resource${r.added.length === 1 ? '' : 's'}; skipped ${r.skipped.length}.` },
);
