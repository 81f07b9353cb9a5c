// Start the servers under test the way a reader does, and wait for the URL
// they print. `pnpm --filter <stage> start` runs the stage's `start` script
// (`node src/main.ts`); here it runs with the same Node.js as the bench, on
// 127.0.0.1 and a free port, so nothing else is in the way of the numbers.
// Each server also loads heap-probe.ts first (NODE_OPTIONS=--import), which
// leaves the peaks of its threads' V8 heaps in a file for `heaps()`.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { startStage, type RunningStage } from "testkit/process";
import { HEARTBEAT_MS, serverHeaps, type HeapPeaks, type ServerHeaps } from "./heaps.ts";

export type StageName =
  | "06-refactor"
  | "07-slow-request"
  | "08-thread-per-request"
  | "09-thread-pool"
  | "10-graceful-shutdown";

/** A server under test, and what its heap probe found. */
export interface Server extends RunningStage {
  /**
   * The peak V8 heaps of its threads so far, from a sample the probe took
   * after this call (waiting up to 3 s for one: the probe writes its file
   * at least once a second), or null if the probe left none (see
   * heap-probe.ts).
   */
  heaps(): Promise<ServerHeaps | null>;
}

/** The folder of a stage package. */
export function stageDir(stage: StageName): string {
  return dirname(fileURLToPath(import.meta.resolve(`${stage}/package.json`)));
}

export function startServer(stage: StageName, env: Record<string, string> = {}): Promise<Server> {
  const dir = stageDir(stage);
  const manifest = JSON.parse(readFileSync(`${dir}/package.json`, "utf8")) as { scripts?: { start?: string } };
  const script = /^node (\S+)$/.exec(manifest.scripts?.start ?? "")?.[1];
  if (!script)
    throw new Error(`${stage}'s start script is not "node <file>"; the bench cannot start it as a reader does`);
  return withHeapProbe(dir, env, script);
}

/** The node:http server of node-http.ts, serving the stages' pages. */
export function startNodeHttp(): Promise<Server> {
  return withHeapProbe(fileURLToPath(new URL("..", import.meta.url)), {}, "src/node-http.ts");
}

/** Stop every server, even when one of them fails to stop. */
export async function stopAll(servers: Iterable<RunningStage | undefined>): Promise<void> {
  await Promise.allSettled([...servers].map((server) => server?.stop()));
}

const PROBE = new URL("./heap-probe.ts", import.meta.url).href;
/** How long `heaps()` waits for a sample taken after it was called: the probe writes one at least every HEARTBEAT_MS. */
const FRESH_WITHIN_MS = 3 * HEARTBEAT_MS;

let folder: string | undefined;
let files = 0;
/** A file name for one server's heap peaks, in a folder of this run's that goes when the bench exits. */
function heapFile(): string {
  if (folder === undefined) {
    const created = mkdtempSync(join(tmpdir(), "bench-heaps-"));
    folder = created;
    process.once("exit", () => rmSync(created, { recursive: true, force: true }));
  }
  files += 1;
  return join(folder, `server-${files}.json`);
}

async function withHeapProbe(dir: string, env: Record<string, string>, script: string): Promise<Server> {
  const file = heapFile();
  const nodeOptions = [process.env.NODE_OPTIONS, `--import=${PROBE}`].filter(Boolean).join(" ");
  const stage = await startStage(dir, { ...env, NODE_OPTIONS: nodeOptions, BENCH_HEAP_FILE: file }, script);
  return { ...stage, heaps: () => readHeaps(file, stage.running) };
}

async function readHeaps(file: string, running: () => boolean): Promise<ServerHeaps | null> {
  const asked = Date.now();
  const deadline = performance.now() + FRESH_WITHIN_MS;
  for (;;) {
    let peaks: HeapPeaks | null = null;
    try {
      peaks = JSON.parse(readFileSync(file, "utf8")) as HeapPeaks;
    } catch {
      // not written yet
    }
    if ((peaks !== null && peaks.at >= asked) || !running() || performance.now() >= deadline)
      return peaks && serverHeaps(peaks);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
