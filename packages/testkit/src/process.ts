// Running a stage as a real process, the way a reader starts it, and
// waiting for what it prints. No test framework here: the tests (stage.ts)
// and the benchmarks (packages/bench) both use it.
import { spawn, type ChildProcess } from "node:child_process";
import { closeSync, openSync, readFileSync, readdirSync } from "node:fs";

/** A stage running as a real process, the way a reader starts it. */
export interface RunningStage {
  readonly pid: number;
  readonly port: number;
  /** Everything the stage printed on stdout so far. */
  stdout(): string;
  /** Everything the stage printed on stderr so far. */
  stderr(): string;
  /** True until the process exits. */
  running(): boolean;
  /** Wait until stdout matches `pattern` (or reject with what was printed). */
  waitForStdout(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /**
   * Wait until `holds(stdout)` is true (or reject with what was printed,
   * naming `what` was awaited: "no <what> on stdout within … ms").
   */
  waitUntil(holds: (stdout: string) => boolean, timeoutMs?: number, what?: string): Promise<void>;
  /** The exit code and signal, once the process has exited. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Peak resident memory of the process so far, in bytes. Needs /proc: see `HAS_PROC`. */
  peakMemory(): number;
  /**
   * How many threads of the process are named `WorkerThread` right now, the
   * name Node.js gives the thread of each `new Worker(…)`. Needs /proc: see
   * `HAS_PROC`.
   *
   * A thread takes the name of the thread that starts it until it names
   * itself. libuv's threadpool (four `libuv-worker` threads) starts at the
   * process's first file-system or DNS call; when a worker thread makes that
   * call, the four threads count here too until each has run for the first
   * time, which on a busy machine can take tens of milliseconds. libuv waits
   * for all of them to run before that first call returns, so count only
   * once the process has answered a request that read a file.
   */
  workerThreads(): number;
  stop(): Promise<void>;
}

/**
 * Whether this system has the /proc files that `peakMemory()` and
 * `workerThreads()` read (`/proc/<pid>/status` and `/proc/<pid>/task/<tid>/comm`):
 * Linux. Checks that use them run only where it is true, and say so.
 */
export const HAS_PROC = process.platform === "linux";

const children = new Set<ChildProcess>();
process.once("exit", () => {
  for (const child of children) child.kill("SIGKILL");
});

/** A child process's output as it arrives, and ways to wait on it. */
interface WatchedOutput {
  stdout(): string;
  stderr(): string;
  /** True until the process has exited and its output has been read. */
  running(): boolean;
  /** Wait until stdout matches `pattern` (or reject with what was printed). */
  waitForStdout(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** Wait until `holds(stdout)` is true (or reject with what was printed). */
  waitUntil(holds: (stdout: string) => boolean, timeoutMs?: number, what?: string): Promise<void>;
  /**
   * The exit code and signal, once the process has exited and its output
   * has been read to the end, or 5 s after the exit: a process it left
   * behind (an orphaned stage) may hold its pipes open for ever.
   */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Collect `child`'s stdout and stderr (piped) and tell waiters as they change. */
export function watchOutput(child: ChildProcess): WatchedOutput {
  let out = "";
  let err = "";
  let alive = true;
  const watchers = new Set<() => void>();
  const changed = (): void => {
    for (const watch of watchers) watch();
  };
  child.stdout?.setEncoding("utf8").on("data", (text: string) => {
    out += text;
    changed();
  });
  child.stderr?.setEncoding("utf8").on("data", (text: string) => {
    err += text;
    changed();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    let closed = false;
    child.once("close", () => (closed = true));
    child.once("exit", (code, signal) => {
      const finish = (): void => {
        clearTimeout(timer);
        if (!alive) return;
        alive = false;
        changed();
        resolve({ code, signal });
      };
      const timer = setTimeout(finish, 5_000);
      if (closed) finish();
      else child.once("close", finish);
    });
  });

  const waitUntil = (holds: (stdout: string) => boolean, timeoutMs = 10_000, what = "expected output"): Promise<void> =>
    new Promise((resolve, reject) => {
      const check = (): void => {
        if (holds(out)) {
          done();
          resolve();
        } else if (!alive) {
          done();
          reject(new Error(`the process exited before printing ${what}\nstdout:\n${out}\nstderr:\n${err}`));
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`no ${what} on stdout within ${timeoutMs} ms\nstdout:\n${out}\nstderr:\n${err}`));
      }, timeoutMs);
      const done = (): void => {
        clearTimeout(timer);
        watchers.delete(check);
      };
      watchers.add(check);
      check();
    });

  const waitForStdout = async (pattern: RegExp, timeoutMs = 10_000): Promise<RegExpMatchArray> => {
    await waitUntil((text) => pattern.test(text), timeoutMs, String(pattern));
    return pattern.exec(out) as RegExpMatchArray;
  };

  return { stdout: () => out, stderr: () => err, running: () => alive, waitForStdout, waitUntil, exited };
}

/**
 * Start `src/main.ts` (or `script`) of the stage in `dir` with the Node.js running the
 * tests, on 127.0.0.1 and a free port (unless `env` says otherwise), and
 * resolve once it has printed its URL.
 */
export async function startStage(
  dir: string,
  env: Record<string, string> = {},
  script = "src/main.ts",
): Promise<RunningStage> {
  const child = spawn(process.execPath, [script], {
    cwd: dir,
    env: { ...process.env, HOST: "127.0.0.1", PORT: "0", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.add(child);
  child.once("exit", () => children.delete(child));
  const { stdout, stderr, running, waitForStdout, waitUntil, exited } = watchOutput(child);
  const [, port = ""] = await waitForStdout(/^Listening on http:\/\/127\.0\.0\.1:(\d+)$/m, 15_000);
  return {
    pid: child.pid ?? -1,
    port: Number(port),
    stdout,
    stderr,
    running,
    waitForStdout,
    waitUntil,
    exited,
    peakMemory: () => {
      const status = readFileSync(`/proc/${child.pid}/status`, "utf8");
      const kb = /^VmHWM:\s+(\d+) kB$/m.exec(status)?.[1];
      if (!kb) throw new Error("no VmHWM in /proc/<pid>/status");
      return Number(kb) * 1024;
    },
    workerThreads: () => {
      let count = 0;
      for (const task of readdirSync(`/proc/${child.pid}/task`)) {
        try {
          // The name Node.js gives the threads of `new Worker(…)`.
          if (readFileSync(`/proc/${child.pid}/task/${task}/comm`, "utf8").trim() === "WorkerThread") count += 1;
        } catch {
          // the thread ended while we were looking
        }
      }
      return count;
    },
    stop: async () => {
      if (running()) child.kill("SIGTERM");
      await exited;
    },
  };
}

/** What a program that ran to its end printed, and how it ended. */
export interface Finished {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Run `node <script>` in `cwd` until it exits (killed after `timeoutMs`).
 * With `stdoutFile`, the program's standard output goes to that file
 * (created, or emptied) instead of through a pipe that this process reads
 * while the program runs; `stdout` is then empty.
 */
export function runToExit(
  cwd: string,
  script: string,
  env: Record<string, string>,
  timeoutMs = 10_000,
  stdoutFile?: string,
): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const out = stdoutFile === undefined ? "pipe" : openSync(stdoutFile, "w");
    let child: ChildProcess;
    try {
      child = spawn(process.execPath, [script], {
        cwd,
        env: { ...process.env, ...env },
        stdio: ["ignore", out, "pipe"],
      });
    } finally {
      if (typeof out === "number") closeSync(out); // the child has its own copy
    }
    children.add(child);
    let stdout = "";
    let stderr = "";
    child.stdout?.setEncoding("utf8").on("data", (text: string) => (stdout += text));
    child.stderr?.setEncoding("utf8").on("data", (text: string) => (stderr += text));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`${script} did not exit within ${timeoutMs} ms\nstdout:\n${stdout}\nstderr:\n${stderr}`));
    }, timeoutMs);
    child.once("close", (code) => {
      clearTimeout(timer);
      children.delete(child);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Resolve with `promise`, or reject after `ms` (a bound, not a speed check). */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
