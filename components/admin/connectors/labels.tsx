import { Badge } from '@/components/ui/badge';
import type { ConnectorOverview, ConnectorStatus } from '@/lib/connectors/views';

/** Words shared by the connector pages; states are badges with text, never colour alone. */

export const CONNECTORS_DENIED = 'Connectors reach outside Elevate with its secrets, so tenant PIM administrators manage them.';

export const TYPE_LABEL: Record<'postgresql' | 'webhook', string> = { postgresql: 'PostgreSQL', webhook: 'Webhook' };

// the badge palette is keyed by the portal's state words; these pick a colour that matches
const STATUS_COLOUR: Record<ConnectorStatus, string> = {
  Healthy: 'Active',
  Failing: 'Failed',
  Paused: 'Denied',
  Drift: 'Pending approval',
};

export function ConnectorStatusBadge({ status }: { status: ConnectorStatus }) {
  return <Badge state={STATUS_COLOUR[status]}>{status}</Badge>;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** "2 grants in progress, 1 binding retrying" or "None". */
export function pendingText(p: ConnectorOverview['pending']): string {
  const parts = [
    p.grants > 0 && `${plural(p.grants, 'grant')} in progress`,
    p.retrying > 0 && `${plural(p.retrying, 'binding')} retrying`,
    p.due > 0 && `${plural(p.due, 'window change')} due`,
    p.events.n > 0 && `${p.events.n}${p.events.more ? '+' : ''} event${p.events.n === 1 && !p.events.more ? '' : 's'} waiting`,
  ].filter(Boolean);
  return parts.length ? parts.join(', ') : 'None';
}

const OUTCOME: Record<string, { text: string; colour: string }> = {
  delivered: { text: 'Delivered', colour: 'Active' },
  failed: { text: 'Failed', colour: 'Failed' },
  'given-up': { text: 'Given up', colour: 'Denied' },
};

export function DeliveryOutcomeBadge({ outcome }: { outcome: string }) {
  const o = OUTCOME[outcome] ?? { text: outcome, colour: '' };
  return <Badge state={o.colour}>{o.text}</Badge>;
}

export const LOGIN_RULE_TEXT: Record<string, string> = {
  'email-local-part': 'the e-mail’s local part (sam@bluewidget.test → sam)',
  email: 'the whole e-mail address',
  'user-id': 'the Elevate user id',
};
