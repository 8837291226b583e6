import { managementGroupId } from '@/lib/resources/arm-id';
import type { Rng } from './random';
import { skewed } from './random';

/**
 * The generated ARM tree: nested management groups (at most three levels below the
 * tenant root), subscriptions, resource groups and resources with child resources
 * (PostgreSQL flexible servers and their databases, SQL databases, subnets, VM
 * extensions). `id` is the canonical lower-case ARM id, `armId` keeps Azure's casing.
 * Rows come parents first, so the path trigger finds each parent's path on insert.
 */
export type Kind = 'managementGroup' | 'subscription' | 'resourceGroup' | 'resource';

export interface ResourceRow {
  id: string;
  armId: string;
  kind: Kind;
  type: string;
  name: string;
  displayName: string;
  parentId: string;
  /** after its parent's */
  createdAt: number;
}

export interface Tree {
  rows: ResourceRow[];
  byKind: Record<Kind, ResourceRow[]>;
  parent: Map<string, string>;
  children: Map<string, string[]>;
}

const UNITS = [
  'Finance',
  'Retail',
  'Manufacturing',
  'Logistics',
  'Research',
  'Marketing',
  'People',
  'Legal',
  'Sales',
  'Engineering',
  'Data',
  'Security',
  'Operations',
  'Customer Care',
  'Procurement',
  'Treasury',
  'Supply Chain',
  'Risk',
  'Digital',
  'Media',
];
const REGIONS = ['EMEA', 'Americas', 'APAC', 'Nordics', 'DACH', 'UK', 'France', 'Iberia', 'Japan', 'India'];
const ENVS = [
  { name: 'Production', short: 'prod' },
  { name: 'Development', short: 'dev' },
  { name: 'Test', short: 'test' },
  { name: 'Staging', short: 'stg' },
  { name: 'Sandbox', short: 'sbx' },
];
const APPS = [
  'payments',
  'billing',
  'crm',
  'erp',
  'web',
  'api',
  'data',
  'analytics',
  'ml',
  'search',
  'identity',
  'network',
  'shared',
  'monitoring',
  'backup',
  'logging',
  'hr',
  'inventory',
  'orders',
  'shipping',
  'portal',
  'mobile',
  'reporting',
  'etl',
  'cache',
  'ledger',
  'pricing',
  'catalog',
  'checkout',
  'fraud',
  'loyalty',
  'claims',
  'quotes',
  'forecast',
  'warehouse',
  'gateway',
];
const AZ_REGIONS = ['weu', 'neu', 'eus', 'eus2', 'wus2', 'sea', 'uks', 'frc', 'gwc', 'jpe'];
const DATABASES = ['app', 'reporting', 'audit', 'analytics', 'staging', 'archive', 'events', 'identity'];
const SUBNETS = ['snet-app', 'snet-data', 'snet-web', 'snet-private-endpoints', 'snet-aks', 'AzureBastionSubnet'];
const EXTENSIONS = ['AzureMonitorLinuxAgent', 'AzureMonitorWindowsAgent', 'MDE.Linux', 'DependencyAgentLinux', 'CustomScript'];

const slug = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
const pad = (n: number, w = 2) => String(n).padStart(w, '0');

export function generateTree(r: Rng, rootId: string, count: number, now: number): Tree {
  const rows: ResourceRow[] = [];
  const byKind: Tree['byKind'] = { managementGroup: [], subscription: [], resourceGroup: [], resource: [] };
  const parent = new Map<string, string>();
  const children = new Map<string, string[]>();
  const ids = new Set<string>();
  const createdAt = new Map<string, number>([[rootId, now - 4 * 365 * 86_400_000]]);
  const add = (f: Omit<ResourceRow, 'createdAt'>): ResourceRow | null => {
    if (rows.length >= count || ids.has(f.id)) return null;
    const after = createdAt.get(f.parentId)!;
    // one literal, not a spread: V8 keeps one object shape for 100k rows
    const row: ResourceRow = {
      id: f.id,
      armId: f.armId,
      kind: f.kind,
      type: f.type,
      name: f.name,
      displayName: f.displayName,
      parentId: f.parentId,
      createdAt: after + r.int(Math.floor((now - after) / 3)),
    };
    createdAt.set(row.id, row.createdAt);
    ids.add(row.id);
    rows.push(row);
    byKind[row.kind].push(row);
    parent.set(row.id, row.parentId);
    const list = children.get(row.parentId);
    if (list) list.push(row.id);
    else children.set(row.parentId, [row.id]);
    return row;
  };

  // Shares of the total, scaled from a 100k tenant: ~50 management groups, ~400
  // subscriptions, ~4,000 resource groups, the rest resources.
  const mgCount = clamp(Math.round(count / 2000), 3, 200);
  const subCount = clamp(Math.round(count / 250), 2, 4000);
  const rgCount = clamp(Math.round(count / 25), 4, 100_000);

  // management groups: a Cloud Adoption Framework-like top level, then units, then regions
  const mg = (name: string, displayName: string, parentId: string) => {
    const armId = managementGroupId(name);
    return add({
      id: armId.toLowerCase(),
      armId,
      kind: 'managementGroup',
      type: 'Microsoft.Management/managementGroups',
      name,
      displayName,
      parentId,
    });
  };
  const level1 = ['Platform', 'Landing Zones', 'Sandbox', 'Decommissioned']
    .slice(0, Math.min(4, mgCount))
    .map((n) => mg(`mg-${slug(n)}`, n, rootId)!);
  const level2: ResourceRow[] = [];
  const level3: ResourceRow[] = [];
  const remaining = mgCount - level1.length;
  const l2Count = Math.ceil(remaining * 0.4);
  for (let i = 0; i < l2Count; i++) {
    const unit = UNITS[i % UNITS.length] + (i >= UNITS.length ? ` ${Math.floor(i / UNITS.length) + 1}` : '');
    // business units live in the landing zones; a few platform groups under Platform
    const p = level1.length > 1 && i % 5 !== 4 ? level1[1] : level1[0];
    const row = mg(`mg-${slug(unit)}`, unit, p.id);
    if (row) level2.push(row);
  }
  for (let i = 0; level2.length && i < remaining - l2Count; i++) {
    const p = level2[i % level2.length];
    const region = REGIONS[Math.floor(i / level2.length) % REGIONS.length];
    const row = mg(`mg-${slug(`${p.displayName} ${region}`)}-${pad(i, 3)}`, `${p.displayName} ${region}`, p.id);
    if (row) level3.push(row);
  }
  const subParents = [...level3, ...level2, ...level2, level1[0], level1[Math.min(2, level1.length - 1)]];

  // subscriptions: GUID names, friendly display names
  for (let i = 0; i < subCount; i++) {
    const p = r.pick(subParents);
    const env = r.pick(ENVS);
    const unit = p.kind === 'managementGroup' && p.parentId !== rootId ? p.displayName : r.pick(UNITS);
    const guid = r.uuid();
    const armId = `/subscriptions/${guid}`;
    add({
      id: armId,
      armId,
      kind: 'subscription',
      type: 'Microsoft.Resources/subscriptions',
      name: guid,
      displayName: `${unit} ${env.name} ${pad(i + 1, 3)}`,
      parentId: p.id,
    });
  }
  const subs = byKind.subscription;

  // resource groups: rg-{app}-{env}-{region}[-nn], a few busy subscriptions hold many
  const subPick = skewed(r, subs.length, 0.6);
  for (let i = 0; i < rgCount && subs.length; i++) {
    const sub = subs[subPick()];
    const env = r.pick(ENVS).short;
    const base = `rg-${r.pick(APPS)}-${env}-${r.pick(AZ_REGIONS)}`;
    for (let n = 1; n < 100; n++) {
      const name = n === 1 ? base : `${base}-${pad(n)}`;
      const armId = `${sub.armId}/resourceGroups/${name}`;
      if (!ids.has(armId.toLowerCase())) {
        add({
          id: armId.toLowerCase(),
          armId,
          kind: 'resourceGroup',
          type: 'Microsoft.Resources/resourceGroups',
          name,
          displayName: name,
          parentId: sub.id,
        });
        break;
      }
    }
  }
  const rgs = byKind.resourceGroup;

  // resources: workloads dropped into resource groups until the count is reached
  const rgPick = skewed(r, rgs.length, 0.5);
  const serial = new Map<string, number>();
  /** A resource in `rg`, or a child resource of `parentRow` (then `provider` is unused and `type` is the child type). */
  const res = (rg: ResourceRow, parentRow: ResourceRow | null, provider: string, type: string, name: string) => {
    const base = parentRow ? parentRow.armId : `${rg.armId}/providers/${provider}`;
    const armId = `${base}/${type}/${name}`;
    const fullType = parentRow ? `${parentRow.type}/${type}` : `${provider}/${type}`;
    return add({
      id: armId.toLowerCase(),
      armId,
      kind: 'resource',
      type: fullType,
      name,
      displayName: name,
      parentId: (parentRow ?? rg).id,
    });
  };
  let guard = 0;
  while (rows.length < count && rgs.length && guard++ < count * 4) {
    const rg = rgs[rgPick()];
    const [, app, env] = rg.name.split('-');
    const n = (serial.get(rg.id) ?? 0) + 1;
    serial.set(rg.id, n);
    const tag = `${app}-${env}-${pad(n)}`;
    const x = r.next();
    if (x < 0.3) {
      const vm = res(rg, null, 'Microsoft.Compute', 'virtualMachines', `vm-${tag}`);
      res(rg, null, 'Microsoft.Compute', 'disks', `vm-${tag}-osdisk`);
      res(rg, null, 'Microsoft.Network', 'networkInterfaces', `vm-${tag}-nic`);
      if (vm && r.chance(0.5)) res(rg, vm, '', 'extensions', r.pick(EXTENSIONS));
    } else if (x < 0.45) {
      res(rg, null, 'Microsoft.Storage', 'storageAccounts', `st${app}${env}${pad(n, 3)}${r.int(1000)}`.slice(0, 24));
    } else if (x < 0.57) {
      const server = res(rg, null, 'Microsoft.DBforPostgreSQL', 'flexibleServers', `psql-${tag}`);
      for (let k = 0, dbs = r.between(1, 4); server && k < dbs; k++) res(rg, server, '', 'databases', DATABASES[k]);
    } else if (x < 0.64) {
      const server = res(rg, null, 'Microsoft.Sql', 'servers', `sql-${tag}`);
      for (let k = 0, dbs = r.between(1, 3); server && k < dbs; k++) res(rg, server, '', 'databases', `sqldb-${DATABASES[k]}`);
    } else if (x < 0.72) {
      res(rg, null, 'Microsoft.KeyVault', 'vaults', `kv-${tag}`.slice(0, 24));
    } else if (x < 0.8) {
      const vnet = res(rg, null, 'Microsoft.Network', 'virtualNetworks', `vnet-${tag}`);
      for (let k = 0, sn = r.between(1, 4); vnet && k < sn; k++) res(rg, vnet, '', 'subnets', SUBNETS[k]);
    } else if (x < 0.9) {
      res(rg, null, 'Microsoft.Web', 'serverfarms', `asp-${tag}`);
      for (let k = 0, apps = r.between(1, 3); k < apps; k++) res(rg, null, 'Microsoft.Web', 'sites', `app-${tag}-${k + 1}`);
    } else if (x < 0.95) {
      res(rg, null, 'Microsoft.ContainerService', 'managedClusters', `aks-${tag}`);
    } else {
      res(rg, null, 'Microsoft.Network', 'publicIPAddresses', `pip-${tag}`);
    }
  }
  return { rows, byKind, parent, children };
}

function clamp(n: number, lo: number, hi: number) {
  return Math.max(lo, Math.min(hi, n));
}
