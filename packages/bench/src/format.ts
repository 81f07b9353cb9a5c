// Every number the bench prints (progress lines, tables, chart labels)
// goes through this module, so that a figure reads the same wherever it
// appears. The numbers kept in results.json are not formatted.

/** Where a figure needs /proc and the system has none (not Linux). */
export const NOT_MEASURED = "n/a (no /proc)";

/** Where the heap probe of a server left no sample (see heap-probe.ts). */
export const NO_SAMPLE = "n/a (no sample)";

/** A count or a rate, whole, with thousands separators: 4,325. */
export const whole = (value: number): string => Math.round(value).toLocaleString("en-US");

/** Three significant digits, and never fewer than the whole part: 94,000, 123, 12.3, 1.23, 0.12. */
const digits = (value: number): string =>
  value >= 100 ? whole(value) : value >= 10 ? value.toFixed(1) : value.toFixed(2);

/** A rate with its unit: `4,325 req/s`, `7,711 jobs/s`. */
export const perSecond = (value: number, unit = "req/s"): string => `${whole(value)} ${unit}`;

/** Milliseconds with as many digits as matter: 1,006 ms, 502 ms, 18.7 ms, 1.89 ms. */
export const ms = (value: number): string => `${digits(value)} ms`;

/** Microseconds, as `ms` has milliseconds: 94,000 µs, 412 µs, 96.4 µs; `missing` where there is no figure. */
export const us = (value: number | null, missing = NOT_MEASURED): string =>
  value === null ? missing : `${digits(value)} µs`;

/** Megabytes, whole from 100 up, else to a tenth (trailing zero dropped): 1,207 MB, 410 MB, 21.4 MB, 64 MB; `missing` where there is no figure. */
export const mb = (value: number | null, missing = NOT_MEASURED): string =>
  value === null ? missing : `${value >= 100 ? whole(value) : String(Number(value.toFixed(1)))} MB`;

/** A ratio, with two significant digits below 0.1 so that a tiny one does not read as zero: 0.55×, 0.012×. */
export const times = (ratio: number): string => `${ratio < 0.1 ? ratio.toPrecision(2) : ratio.toFixed(2)}×`;

/** Elapsed seconds as a clock, for the progress lines: 0:07, 1:58, 12:00. */
export const clock = (seconds: number): string => {
  const whole = Math.round(seconds);
  return `${Math.floor(whole / 60)}:${String(whole % 60).padStart(2, "0")}`;
};
