// One line per step, with the time since the bench started, so a reader
// sees where a three-minute run is.
import { clock, ms, perSecond } from "./format.ts";

const started = performance.now();

export function progress(line: string): void {
  console.log(`[${clock((performance.now() - started) / 1000)}] ${line}`);
}

/** A compact summary of one measurement, for a progress line. */
export function describe(result: { perSecond: number; p50Ms: number; p99Ms: number; errors: number }): string {
  const errors = result.errors > 0 ? `, ${result.errors} errors` : "";
  return `${perSecond(result.perSecond)}, p50 ${ms(result.p50Ms)}, p99 ${ms(result.p99Ms)}${errors}`;
}
