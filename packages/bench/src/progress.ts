// One line per step, with the time since the bench started, so a reader
// sees where a three-minute run is.
const started = performance.now();

export function progress(line: string): void {
  const seconds = Math.round((performance.now() - started) / 1000);
  const clock = `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
  console.log(`[${clock}] ${line}`);
}

/** A compact summary of one measurement, for a progress line. */
export function describe(result: { perSecond: number; p50Ms: number; p99Ms: number; errors: number }): string {
  const errors = result.errors > 0 ? `, ${result.errors} errors` : "";
  return `${Math.round(result.perSecond)} req/s, p50 ${ms(result.p50Ms)}, p99 ${ms(result.p99Ms)}${errors}`;
}

/** Milliseconds with as many digits as matter. */
export function ms(value: number): string {
  return `${value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2)} ms`;
}
