// One line per step, with the time since the bench started, so a reader
// sees where a three-minute run is.
import { NOT_MEASURED, NO_SAMPLE, clock, mb, ms, perSecond, whole } from "./format.ts";
import type { ServerHeaps, WorkerHeaps } from "./heaps.ts";

const started = performance.now();

export function progress(line: string): void {
  console.log(`[${clock((performance.now() - started) / 1000)}] ${line}`);
}

/** A compact summary of one measurement, for a progress line. */
export function describe(result: { perSecond: number; p50Ms: number; p99Ms: number; errors: number }): string {
  const errors = result.errors > 0 ? `, ${result.errors} errors` : "";
  return `${perSecond(result.perSecond)}, p50 ${ms(result.p50Ms)}, p99 ${ms(result.p99Ms)}${errors}`;
}

/** A server's peak memory, for a progress line: RSS, then its threads' V8 heaps. */
export function memoryLine(peakRssMb: number | null, heaps: ServerHeaps | null): string {
  const rss = `peak RSS ${mb(peakRssMb, NOT_MEASURED)}`;
  if (heaps === null) return `${rss}, heaps ${NO_SAMPLE}`;
  return `${rss}; V8 heap in use: main thread ${mb(heaps.mainMb)}, ${workersLine(heaps.workers)}`;
}

/** The peak heaps of a group of worker threads, for a progress line. */
export function workersLine(workers: WorkerHeaps): string {
  return workers.threads === 0
    ? "no worker threads"
    : `${whole(workers.threads)} worker threads ${mb(workers.sumMb)} together, ${mb(workers.maxMb)} the largest`;
}
