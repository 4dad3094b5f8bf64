/** Small statistics used by the analyses; all inputs are finite numbers. */

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

export function mean(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}

/** Median absolute deviation, scaled by 1.4826 so it estimates σ for normal data. */
export function scaledMad(values: readonly number[]): number {
  const centre = median(values);
  return 1.4826 * median(values.map((value) => Math.abs(value - centre)));
}

/**
 * Robust z-score of `value` among `values`. When the MAD is 0 (most values equal) the mean
 * absolute deviation stands in, so one outlier among identical values is still visible.
 */
export function robustZ(value: number, values: readonly number[]): number {
  const centre = median(values);
  let spread = scaledMad(values);
  if (spread === 0) spread = 1.2533 * mean(values.map((v) => Math.abs(v - centre)));
  if (spread === 0) return value === centre ? 0 : Number.POSITIVE_INFINITY * Math.sign(value - centre);
  return (value - centre) / spread;
}

/** Score 1..5 by quintile rank within `population` (ties share the higher score). */
export function quintileScore(value: number, population: readonly number[]): number {
  return quintileScorer(population)(value);
}

/** The same, with the population sorted once: O(log n) per score instead of O(n). */
export function quintileScorer(population: readonly number[]): (value: number) => number {
  const sorted = Float64Array.from(population).sort();
  return (value) => {
    if (sorted.length === 0) return 1;
    // Count of population values <= value (upper bound).
    let low = 0;
    let high = sorted.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (sorted[middle]! <= value) low = middle + 1;
      else high = middle;
    }
    return Math.min(5, Math.max(1, Math.ceil((low / sorted.length) * 5)));
  };
}
