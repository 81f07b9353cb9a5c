// Starting real processes for the tests: pnpm (as a reader types it) or the
// launcher itself, on 127.0.0.1 and a free port. Every process started here
// carries a marker in its environment, so that on Linux the tests can find
// any process of theirs left behind (an orphaned stage) and end it by PID.
import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { connect } from "node:net";
import { fileURLToPath } from "node:url";
import { watchOutput } from "testkit/process";
export { within } from "testkit/process";

const root = fileURLToPath(new URL("../../..", import.meta.url));
export const launcher = fileURLToPath(new URL("../src/start.ts", import.meta.url));
export const stageDiff = fileURLToPath(new URL("../src/stage-diff.ts", import.meta.url));

/** How to run pnpm: the pnpm running this test script, from npm_execpath. */
export const pnpm: { readonly command: string; readonly prefix: readonly string[] } | undefined = (() => {
  const execpath = process.env.npm_execpath;
  if (!execpath) return undefined;
  // pnpm.cjs is run with the Node.js running the tests; a pnpm executable as it is.
  return /\.[cm]?js$/.test(execpath)
    ? { command: process.execPath, prefix: [execpath] }
    : { command: execpath, prefix: [] };
})();

export interface Started {
  readonly pid: number;
  readonly mark: string;
  stdout(): string;
  stderr(): string;
  waitForStdout(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const MARK = "CLI_TEST_MARK";
const started = new Set<ChildProcess>();
const marks = new Set<string>();
process.once("exit", () => {
  for (const child of started) child.kill("SIGKILL");
  for (const mark of marks) for (const pid of processesMarked(mark)) process.kill(pid, "SIGKILL");
});

/**
 * Start `command args` in `cwd` with a marked environment (a variable set to
 * undefined in `env` is left out of it); `group` makes it a process group leader.
 */
export function start(
  command: string,
  args: readonly string[],
  options: { cwd?: string; env?: Record<string, string | undefined>; group?: boolean } = {},
): Started {
  const mark = randomUUID();
  marks.add(mark);
  const child = spawn(command, args, {
    cwd: options.cwd ?? root,
    env: {
      ...process.env,
      HOST: "127.0.0.1",
      PORT: "0",
      npm_config_update_notifier: "false",
      ...options.env,
      [MARK]: mark,
    },
    stdio: ["ignore", "pipe", "pipe"],
    detached: options.group ?? false,
  });
  started.add(child);
  child.once("exit", () => started.delete(child));
  const { stdout, stderr, waitForStdout, exited } = watchOutput(child);
  return {
    pid: child.pid ?? -1,
    mark,
    stdout,
    stderr,
    waitForStdout: (pattern, timeoutMs = 60_000) => waitForStdout(pattern, timeoutMs),
    exited,
  };
}

/** Start pnpm with `args` at the root of the repository. */
export function startPnpm(
  args: readonly string[],
  options: { env?: Record<string, string | undefined>; group?: boolean } = {},
): Started {
  if (!pnpm) throw new Error("npm_execpath is not set");
  return start(pnpm.command, [...pnpm.prefix, ...args], options);
}

/** The port a stage printed in its `Listening on` line. */
export async function listeningPort(running: Started): Promise<number> {
  const [, port] = await running.waitForStdout(/^Listening on http:\/\/127\.0\.0\.1:(\d+)$/m);
  return Number(port);
}

/** Does a connection to 127.0.0.1:`port` get accepted? */
export function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port });
    const timer = setTimeout(() => {
      socket.destroy();
      resolve(true); // neither accepted nor refused: something holds the port
    }, 10_000);
    socket.once("connect", () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => {
      clearTimeout(timer);
      resolve(false);
    });
  });
}

/** PIDs of the live processes whose environment carries `mark` (Linux; empty elsewhere). */
export function processesMarked(mark: string): number[] {
  if (!existsSync("/proc/self/environ")) return [];
  const needle = `${MARK}=${mark}`;
  const found: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/environ`, "latin1").split("\0").includes(needle)) found.push(Number(entry));
    } catch {
      // gone, or not ours to read
    }
  }
  return found;
}

/** End, by PID, every process still carrying `mark`: what a failed test left behind. */
export function killMarked(mark: string): void {
  for (const pid of processesMarked(mark)) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
  marks.delete(mark);
}
