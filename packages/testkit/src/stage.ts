import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, expect } from "vitest";
import { runToExit, startStage, type RunningStage } from "./process.ts";

export { HAS_PROC, runToExit, startStage, within, type RunningStage } from "./process.ts";

/** The folder of the stage whose test file this is (tests live in `<stage>/test/`). */
export function stageDirOf(testFileUrl: string): string {
  return fileURLToPath(new URL("..", testFileUrl));
}

/**
 * Start the stage of this test file before the file's tests and stop it
 * after them. Returns a getter, since the stage exists only once started.
 */
export function useStage(testFileUrl: string, env: Record<string, string> = {}): () => RunningStage {
  let stage: RunningStage | undefined;
  beforeAll(async () => {
    stage = await startStage(stageDirOf(testFileUrl), env);
  });
  afterAll(async () => {
    await stage?.stop();
  });
  return () => {
    if (!stage) throw new Error("the stage is not running");
    return stage;
  };
}

/**
 * Run the stage in `dir` with `env` and check that it refused to start: exit
 * code 1, exactly `line` on stderr (no stack trace), nothing on stdout, so
 * not even the `Listening on` line.
 */
export async function expectRefusedAtStart(dir: string, env: Record<string, string>, line: string): Promise<void> {
  const run = await runToExit(dir, "src/main.ts", { HOST: "127.0.0.1", PORT: "0", ...env });
  expect(run.code).toBe(1);
  expect(run.stderr).toBe(`${line}\n`);
  expect(run.stdout).toBe("");
}
