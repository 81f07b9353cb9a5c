// Running `pnpm verify`'s script as a reader would, bounded, for the tests.
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";
import { start, within } from "./run.ts";

export const verifyScript = fileURLToPath(new URL("../src/verify.ts", import.meta.url));
export const packagesDir = fileURLToPath(new URL("../..", import.meta.url));
export const fixture = fileURLToPath(new URL("./fixtures/book_server.py", import.meta.url));

/**
 * A longer /sleep than the book's 5 s where a claim races a request against
 * it (08, 09: \`/\` is sent half-way through the sleep and must be answered
 * before it ends): margin for a busy machine, not a speed. Passed both to
 * the stage (SLEEP_MS) and to the verifier (--sleep-ms).
 */
export const SLEEP = "8000";

export interface Checked {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly mark: string;
}

/** Run the verifier with `args` (the server inherits `env`), and wait for it, bounded. */
export async function verify(
  args: readonly string[],
  env: Record<string, string | undefined> = {},
  limitMs = 90_000,
): Promise<Checked> {
  const run = start(process.execPath, [verifyScript, ...args], { env });
  const { code } = await within(run.exited, limitMs, `pnpm verify ${args.join(" ")}`);
  return { code, stdout: run.stdout(), stderr: run.stderr(), mark: run.mark };
}

/** `--cwd` and the command that runs this project's stage `name` with the Node.js running the tests. */
export function ownStage(name: string, script = "src/main.ts"): string[] {
  return ["--cwd", `${packagesDir}${name}`, "--", process.execPath, script];
}

/** A port that was free a moment ago (for a server that prints no URL). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}
