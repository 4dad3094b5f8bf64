/**
 * What changed between two versions of the rules, as paths with the old and new scalar
 * values (list items with ids are named by id: `/earning/campaigns/happy-hour/multiplierPercent`): shown in the version history and written to the audit row. Bounded: a
 * rewrite of the whole catalogue lists its first `limit` changes and says how many more.
 */
export interface RuleChange {
  path: string;
  from?: unknown;
  to?: unknown;
}

export interface RuleDiff {
  changes: RuleChange[];
  /** Changes beyond `limit`, not listed. */
  more: number;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isScalar = (value: unknown) => value === null || typeof value !== 'object';

/** `id` (or `category`) when every item on both sides has a distinct one; undefined otherwise. */
function listKey(a: unknown[], b: unknown[]): string | undefined {
  for (const key of ['id', 'category']) {
    const ids = [...a, ...b].map((item) => (isObject(item) && typeof item[key] === 'string' ? item[key] : undefined));
    if (ids.length === 0 || ids.some((id) => id === undefined)) continue;
    if (new Set(a.map((item) => (item as Record<string, unknown>)[key])).size === a.length && new Set(b.map((item) => (item as Record<string, unknown>)[key])).size === b.length) return key;
  }
  return undefined;
}

export function diffRules(before: unknown, after: unknown, limit = 50): RuleDiff {
  const changes: RuleChange[] = [];
  let total = 0;
  const add = (change: RuleChange) => {
    total++;
    if (changes.length < limit) changes.push(change);
  };
  const walk = (a: unknown, b: unknown, path: string) => {
    if (Array.isArray(a) && Array.isArray(b)) {
      const key = listKey(a, b);
      if (!key) {
        for (let index = 0; index < Math.max(a.length, b.length); index++) walk(a[index], b[index], `${path}/${index}`);
        return;
      }
      // Items with ids are matched by id: removing the first campaign is one change, not one per field below it.
      const before = new Map(a.map((item) => [String(item[key]), item]));
      const after = new Map(b.map((item) => [String(item[key]), item]));
      const order = (list: Array<Record<string, unknown>>) => list.map((item) => String(item[key])).join(', ');
      const common = (list: Array<Record<string, unknown>>, other: Map<string, unknown>) => list.filter((item) => other.has(String(item[key])));
      if (order(common(a, after)) !== order(common(b, before))) add({ path: `${path}/(order)`, from: order(a), to: order(b) });
      for (const id of new Set([...before.keys(), ...after.keys()])) walk(before.get(id), after.get(id), `${path}/${id}`);
      return;
    }
    if (isObject(a) && isObject(b)) {
      for (const key of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) walk(a[key], b[key], `${path}/${key}`);
      return;
    }
    if (JSON.stringify(a) === JSON.stringify(b)) return;
    const change: RuleChange = { path: path || '/' };
    if (a !== undefined) change.from = isScalar(a) ? a : '…';
    if (b !== undefined) change.to = isScalar(b) ? b : '…';
    add(change);
  };
  walk(before, after, '');
  return { changes, more: total - changes.length };
}
