// V8 heaps of a process, thread by thread: the main thread's, and each
// worker thread's. RSS is the whole process; this says how much of it is
// each isolate's heap. Worker threads are found through Node.js's built-in
// diagnostics channel `worker_threads`, which publishes `{ worker }` on the
// thread that creates a Worker, so neither a stage nor core has to know.
// Used in the servers by heap-probe.ts, and by dispatch-run.ts directly.
import { subscribe, unsubscribe } from "node:diagnostics_channel";
import { getHeapStatistics } from "node:v8";
import type { Worker } from "node:worker_threads";
import { megabytes } from "./stats.ts";

/** The peaks of the worker threads of one group (a pool), in bytes of used V8 heap. */
export interface GroupPeaks {
  /** Worker threads sampled at least once (one that lived less than a sample period may be missed). */
  readonly threads: number;
  /** The largest total of the group's threads' heaps in one sample (taken at the same moment, so threads that never lived together do not add up). */
  readonly sumBytes: number;
  /** The largest heap of any one of the group's threads. */
  readonly maxBytes: number;
}

/** What a watch has seen so far. */
export interface HeapPeaks {
  /** Samples taken so far. */
  readonly samples: number;
  /** When the last sample started (`Date.now()`), so that a reader can wait for one taken after a point. */
  readonly at: number;
  /** The main thread's largest used heap, in bytes. */
  readonly mainBytes: number;
  /** Worker threads by group (by default all in one, `workers`). */
  readonly groups: Readonly<Record<string, GroupPeaks>>;
}

export interface HeapWatch {
  /** Take a sample now (besides the periodic ones), and resolve with the peaks after it. */
  sample(): Promise<HeapPeaks>;
  peaks(): HeapPeaks;
  /** No more samples; the channel is left. */
  stop(): void;
}

export interface WatchOptions {
  /** Period of the samples, in ms. */
  readonly everyMs?: number;
  /** The group of a worker thread, asked at its first sample. */
  readonly groupOf?: (worker: Worker) => string;
  /** Called after each periodic sample. */
  readonly onSample?: (peaks: HeapPeaks) => void;
}

export const WORKERS = "workers";
/** The longest time between two writes of the probe's file (heap-probe.ts), in ms. */
export const HEARTBEAT_MS = 1_000;
const CHANNEL = "worker_threads";

/**
 * Watch this thread's heap and the heaps of the worker threads it creates
 * from now on. The timers are unref'd, so the watch never keeps the
 * process alive; a worker that has exited, or has not started yet, is
 * skipped.
 */
export function watchHeaps({ everyMs = 100, groupOf = () => WORKERS, onSample }: WatchOptions = {}): HeapWatch {
  const live = new Map<Worker, { group?: string }>();
  const groups = new Map<string, { threads: number; sumBytes: number; maxBytes: number }>();
  let mainBytes = 0;
  let samples = 0;
  let at = 0;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;

  const onWorker = (message: unknown): void => {
    const worker = (message as { worker?: Worker } | undefined)?.worker;
    if (!worker || typeof worker.getHeapStatistics !== "function") return;
    live.set(worker, {});
    worker.once("exit", () => live.delete(worker));
  };
  subscribe(CHANNEL, onWorker);

  const peaks = (): HeapPeaks => ({
    samples,
    at,
    mainBytes,
    groups: Object.fromEntries([...groups].map(([name, peak]) => [name, { ...peak }])),
  });

  const sample = async (): Promise<HeapPeaks> => {
    const started = Date.now();
    mainBytes = Math.max(mainBytes, getHeapStatistics().used_heap_size);
    const workers = [...live];
    const used = await Promise.all(
      workers.map(([worker]) =>
        worker.getHeapStatistics().then(
          (stats) => stats.used_heap_size,
          () => null, // exited, or not started yet
        ),
      ),
    );
    const sums = new Map<string, number>();
    workers.forEach(([worker, entry], index) => {
      const bytes = used[index];
      if (bytes === null || bytes === undefined) return;
      if (entry.group === undefined) {
        entry.group = groupOf(worker);
        const group = groups.get(entry.group) ?? { threads: 0, sumBytes: 0, maxBytes: 0 };
        group.threads += 1;
        groups.set(entry.group, group);
      }
      const group = groups.get(entry.group);
      if (group) group.maxBytes = Math.max(group.maxBytes, bytes);
      sums.set(entry.group, (sums.get(entry.group) ?? 0) + bytes);
    });
    for (const [name, sum] of sums) {
      const group = groups.get(name);
      if (group) group.sumBytes = Math.max(group.sumBytes, sum);
    }
    samples += 1;
    at = Math.max(at, started);
    return peaks();
  };

  const schedule = (): void => {
    if (stopped) return;
    timer = setTimeout(async () => {
      // Nothing here may throw into the process it watches.
      try {
        const current = await sample();
        if (!stopped) onSample?.(current);
      } catch {
        // a failed sample or reader: the next one may do better
      } finally {
        schedule();
      }
    }, everyMs);
    timer.unref();
  };
  schedule();

  return {
    sample,
    peaks,
    stop: () => {
      stopped = true;
      clearTimeout(timer);
      unsubscribe(CHANNEL, onWorker);
    },
  };
}

/** The peaks of a group of worker threads, as results.json has them. */
export interface WorkerHeaps {
  /** Worker threads sampled at least once. */
  readonly threads: number;
  /** Their heaps together at the peak, in MB (the largest total of one sample). */
  readonly sumMb: number;
  /** The largest heap of one of them, in MB. */
  readonly maxMb: number;
}

/** A server's peak V8 heaps, as results.json has them: in use (`used_heap_size`), in MB to a tenth. */
export interface ServerHeaps {
  readonly mainMb: number;
  readonly workers: WorkerHeaps;
}

/** The peaks of one group, in MB; no threads where the group had none. */
export function workerHeaps(peaks: HeapPeaks, group = WORKERS): WorkerHeaps {
  const found = peaks.groups[group];
  return {
    threads: found?.threads ?? 0,
    sumMb: megabytes(found?.sumBytes ?? 0, 1),
    maxMb: megabytes(found?.maxBytes ?? 0, 1),
  };
}

export function serverHeaps(peaks: HeapPeaks): ServerHeaps {
  return { mainMb: megabytes(peaks.mainBytes, 1), workers: workerHeaps(peaks) };
}
