import type { Rng } from './random';
import { skewed } from './random';

/**
 * Generated people: `user00001@scale.test`-style accounts with plausible display names,
 * and a few hundred groups whose sizes follow a long tail (a few large "all engineers"
 * groups, many small teams); most users are in one or two groups, some in several.
 */
export interface UserRow {
  id: string;
  email: string;
  displayName: string;
  isPimAdmin: boolean;
  disabled: boolean;
  createdAt: number;
  lastSignInAt: number | null;
}

export interface GroupRow {
  id: string;
  name: string;
  description: string;
  createdAt: number;
  memberIds: string[];
}

const FIRST = [
  'Ada',
  'Alex',
  'Amara',
  'Andrea',
  'Anil',
  'Anna',
  'Ben',
  'Bianca',
  'Carlos',
  'Chen',
  'Chloe',
  'Dan',
  'Dana',
  'David',
  'Elena',
  'Emil',
  'Emma',
  'Farah',
  'Felix',
  'Fatima',
  'Grace',
  'Hana',
  'Hugo',
  'Ines',
  'Isaac',
  'Ivan',
  'Jamal',
  'Jana',
  'Jonas',
  'Julia',
  'Kai',
  'Kenji',
  'Lara',
  'Leo',
  'Lina',
  'Luca',
  'Maya',
  'Marek',
  'Maria',
  'Mateo',
  'Mei',
  'Mia',
  'Nadia',
  'Nico',
  'Noah',
  'Nora',
  'Olga',
  'Omar',
  'Paula',
  'Pedro',
  'Priya',
  'Rafael',
  'Rosa',
  'Sara',
  'Sean',
  'Sofia',
  'Tariq',
  'Tom',
  'Uma',
  'Vera',
  'Wei',
  'Yara',
  'Yusuf',
  'Zoe',
];
const LAST = [
  'Adams',
  'Ahmed',
  'Alvarez',
  'Andersen',
  'Baker',
  'Becker',
  'Bianchi',
  'Brown',
  'Chen',
  'Costa',
  'Davies',
  'Dubois',
  'Eriksson',
  'Fischer',
  'Garcia',
  'Gupta',
  'Hansen',
  'Hoffmann',
  'Ibrahim',
  'Ito',
  'Jansen',
  'Jones',
  'Kaur',
  'Kim',
  'Kowalski',
  'Larsen',
  'Lee',
  'Lopez',
  'Martin',
  'Meyer',
  'Moreau',
  'Müller',
  'Nakamura',
  'Nguyen',
  'Novak',
  'Okafor',
  'Olsen',
  'Patel',
  'Peeters',
  'Petrov',
  'Rossi',
  'Santos',
  'Schmidt',
  'Silva',
  'Singh',
  'Smith',
  'Suzuki',
  'Taylor',
  'Tanaka',
  'Varga',
  'Wagner',
  'Wang',
  'Weber',
  'Williams',
  'Wilson',
  'Yamamoto',
  'Zhang',
];
const TEAMS = [
  'Platform Engineering',
  'Site Reliability',
  'Database Administrators',
  'Network Operations',
  'Security Operations',
  'Cloud Center of Excellence',
  'Identity',
  'Data Engineering',
  'Data Science',
  'Payments',
  'Billing',
  'Checkout',
  'Search',
  'Mobile',
  'Web',
  'Integration',
  'Release Management',
  'Incident Response',
  'Service Desk',
  'FinOps',
  'Compliance',
  'Audit',
  'Architecture',
  'QA',
  'DevOps',
  'Analytics',
  'Reporting',
  'Warehouse',
  'Logistics Apps',
  'Retail Apps',
  'ERP',
  'CRM',
];
const QUALIFIERS = ['', 'Admins', 'Operators', 'Readers', 'On-Call', 'Leads', 'Contractors', 'EMEA', 'Americas', 'APAC'];

export function generateUsers(r: Rng, count: number, now: number): UserRow[] {
  const width = Math.max(5, String(count).length);
  const admins = Math.max(2, Math.round(count / 2000));
  const out: UserRow[] = [];
  for (let i = 1; i <= count; i++) {
    const first = r.pick(FIRST);
    const last = r.pick(LAST);
    const createdAt = now - r.int(3 * 365) * 86_400_000 - r.int(86_400_000);
    out.push({
      id: r.uuid(),
      email: `user${String(i).padStart(width, '0')}@scale.test`,
      displayName: `${first} ${last}`,
      isPimAdmin: i <= admins,
      disabled: i > admins && r.chance(0.015),
      createdAt,
      lastSignInAt: r.chance(0.7) ? now - r.int(30 * 86_400_000) : null,
    });
  }
  return out;
}

export function generateGroups(r: Rng, users: UserRow[], count: number, now: number): GroupRow[] {
  const groups: GroupRow[] = [];
  const names = new Set<string>();
  for (let i = 0; groups.length < count && i < count * 10; i++) {
    const team = TEAMS[i % TEAMS.length];
    const q = QUALIFIERS[Math.floor(i / TEAMS.length) % QUALIFIERS.length];
    const round = Math.floor(i / (TEAMS.length * QUALIFIERS.length));
    const name = [team, q, round ? String(round + 1) : ''].filter(Boolean).join(' ');
    if (names.has(name.toLowerCase())) continue;
    names.add(name.toLowerCase());
    groups.push({
      id: r.uuid(),
      name,
      description: `${team} team${q ? ` (${q.toLowerCase()})` : ''}`,
      createdAt: now - r.int(3 * 365) * 86_400_000,
      memberIds: [],
    });
  }
  // which group a membership lands in: heavy head, long tail; shuffled so size does not follow name order
  const order = groups.map((_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = r.int(i + 1);
    [order[i], order[j]] = [order[j], order[i]];
  }
  const pick = skewed(r, groups.length, 0.9);
  for (const u of users) {
    const x = r.next();
    const k = x < 0.2 ? 0 : x < 0.6 ? 1 : x < 0.85 ? 2 : x < 0.95 ? 3 : r.between(4, 6);
    const mine = new Set<number>();
    for (let j = 0; j < k * 2 && mine.size < k; j++) mine.add(order[pick()]);
    for (const g of mine) groups[g].memberIds.push(u.id);
  }
  return groups;
}
