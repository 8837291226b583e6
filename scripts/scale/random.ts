/**
 * Deterministic randomness for the scale seed: the same seed gives the same tenant, ids
 * included, so a benchmark figure can be reproduced on a regenerated database.
 * sfc32 (128-bit state, seeded through splitmix32): fast, and ids drawn from four outputs
 * do not collide at enterprise sizes. Test data only, never secrets.
 */
export interface Rng {
  /** uniform in [0, 1) */
  next(): number;
  /** integer in [0, n) */
  int(n: number): number;
  /** integer in [lo, hi] */
  between(lo: number, hi: number): number;
  chance(p: number): boolean;
  pick<T>(xs: readonly T[]): T;
  /** an RFC 4122 version-4 shaped UUID */
  uuid(): string;
}

function splitmix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

export function rng(seed: number): Rng {
  const init = splitmix32(seed);
  let a = init(),
    b = init(),
    c = init(),
    d = init();
  const u32 = () => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = ((c << 21) | (c >>> 11)) >>> 0;
    c = (c + t) >>> 0;
    return t;
  };
  for (let i = 0; i < 16; i++) u32(); // let the state mix before the first draw
  const next = () => u32() / 4294967296;
  const int = (n: number) => Math.floor(next() * n);
  const word = (w: number) => HEX[w >>> 24] + HEX[(w >>> 16) & 255] + HEX[(w >>> 8) & 255] + HEX[w & 255];
  return {
    next,
    int,
    between: (lo, hi) => lo + int(hi - lo + 1),
    chance: (p) => next() < p,
    pick: (xs) => xs[int(xs.length)],
    uuid: () => {
      const w1 = u32(),
        w2 = u32(),
        w3 = u32(),
        w4 = u32();
      const x = word(w1),
        y = word(((w2 & 0xffff0fff) | 0x4000) >>> 0),
        z = word(((w3 & 0x3fffffff) | 0x80000000) >>> 0),
        v = word(w4);
      return `${x}-${y.slice(0, 4)}-${y.slice(4)}-${z.slice(0, 4)}-${z.slice(4)}${v}`;
    },
  };
}

/**
 * Picks index i with probability proportional to 1/(i+1)^skew: a few heavy items (big
 * groups, admins with many assignments, busy resource groups) and a long tail, as in
 * real tenants. Cumulative weights, binary search per draw.
 */
export function skewed(r: Rng, n: number, skew: number): () => number {
  const cum = new Float64Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) cum[i] = total += 1 / Math.pow(i + 1, skew);
  return () => {
    const x = r.next() * total;
    let lo = 0,
      hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cum[mid] < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}
