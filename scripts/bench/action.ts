import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { call, type Answer } from './client';

/**
 * Calls a portal server action over HTTP the way the browser does: POST to the page with
 * the action's id in `Next-Action` and the arguments encoded by React's own encodeReply
 * (the copy bundled with Next, so the wire format matches the server's decoder).
 */

interface ManifestEntry {
  workers: Record<string, unknown>;
  filename?: string;
  exportedName?: string;
}

/** The action id of `exportedName` from `file` in this build's server-reference manifest. */
export function actionId(root: string, distDir: string, file: string, exportedName: string): string {
  const manifestFile = path.join(root, distDir, 'server', 'server-reference-manifest.json');
  const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8')) as { node: Record<string, ManifestEntry> };
  const hit = Object.entries(manifest.node).find(([, v]) => v.exportedName === exportedName && v.filename === file);
  if (!hit) throw new Error(`no server action ${exportedName} of ${file} in ${manifestFile}`);
  return hit[0];
}

function encodeReply(args: unknown[]): Promise<string | FormData> {
  const client = createRequire(path.join(process.cwd(), 'package.json'))('next/dist/compiled/react-server-dom-turbopack/client.node');
  return client.encodeReply(args);
}

/** A `useActionState` action: arguments are (previous state, form data). */
export async function callFormAction(
  base: string,
  page: string,
  id: string,
  cookie: string,
  fields: [string, string][],
  timeoutMs?: number,
): Promise<Answer> {
  const form = new FormData();
  for (const [k, v] of fields) form.append(k, v);
  const body = await encodeReply([null, form]);
  return call(`${base}${page}`, {
    method: 'POST',
    body,
    timeoutMs,
    headers: {
      'next-action': id,
      accept: 'text/x-component',
      cookie,
      origin: base,
      ...(typeof body === 'string' ? { 'content-type': 'text/plain;charset=UTF-8' } : {}),
    },
  });
}
