// Small statistics over the rounds of a run.

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/** Bytes in MB (2^20), rounded to `decimals` places. */
export const megabytes = (bytes: number, decimals = 0): number =>
  Math.round((bytes / 2 ** 20) * 10 ** decimals) / 10 ** decimals;

/** The value at quantile `q` (0…1) of `sorted`, by nearest rank; NaN when there are none. */
export function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length)));
  return sorted[rank - 1] as number;
}
