// Start the servers under test the way a reader does, and wait for the URL
// they print. `pnpm --filter <stage> start` runs the stage's `start` script
// (`node src/main.ts`); here it runs with the same Node.js as the bench, on
// 127.0.0.1 and a free port, so nothing else is in the way of the numbers.
import { readFileSync } from "node:fs";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { startStage, type RunningStage } from "testkit/process";

export type StageName = "06-refactor" | "07-slow-request" | "08-thread-per-request" | "09-thread-pool" | "10-graceful-shutdown";

/** The folder of a stage package. */
export function stageDir(stage: StageName): string {
  return dirname(fileURLToPath(import.meta.resolve(`${stage}/package.json`)));
}

export function startServer(stage: StageName, env: Record<string, string> = {}): Promise<RunningStage> {
  const dir = stageDir(stage);
  const manifest = JSON.parse(readFileSync(`${dir}/package.json`, "utf8")) as { scripts?: { start?: string } };
  const script = /^node (\S+)$/.exec(manifest.scripts?.start ?? "")?.[1];
  if (!script) throw new Error(`${stage}'s start script is not "node <file>"; the bench cannot start it as a reader does`);
  return startStage(dir, env, script);
}

/** The node:http server of node-http.ts, serving the stages' pages. */
export function startNodeHttp(): Promise<RunningStage> {
  return startStage(fileURLToPath(new URL("..", import.meta.url)), {}, "src/node-http.ts");
}

/** Stop every server, even when one of them fails to stop. */
export async function stopAll(servers: Iterable<RunningStage | undefined>): Promise<void> {
  await Promise.allSettled([...servers].map((server) => server?.stop()));
}
