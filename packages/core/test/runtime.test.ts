import { execFileSync, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { runtimeProblem } from "../src/runtime.ts";

const stage01 = fileURLToPath(new URL("../../01-listen", import.meta.url));
const stage09 = fileURLToPath(new URL("../../09-thread-pool", import.meta.url));
const pretend = fileURLToPath(new URL("fixtures/pretend-node.mjs", import.meta.url));
const readme = readFileSync(new URL("../../../README.md", import.meta.url), "utf8");

describe("the Node.js version guard", () => {
  it.each(["24.20.0", "24.21.0", "26.6.0", "26.10.1", "27.0.0", "28.1.0"])("lets %s run", (version) => {
    expect(runtimeProblem(version)).toBeUndefined();
  });

  it.each(["20.20.2", "22.18.0", "23.11.0", "24.19.9", "25.9.0", "26.5.0"])(
    "refuses %s in one line that says what to do",
    (version) => {
      expect(runtimeProblem(version)).toBe(
        `this needs Node.js 24.20 or newer (or 26.6 or newer), and this is Node.js ${version}; ` +
          "run the stages through pnpm as the README shows (`pnpm --filter 01-listen start`), which uses the Node.js 24 that `pnpm install` provides",
      );
    },
  );

  it("stops a stage at start, before it listens, with that line and no stack trace", () => {
    const run = spawnSync(process.execPath, ["--import", pretend, "src/main.ts"], {
      cwd: stage09,
      env: { ...process.env, PRETEND_NODE: "22.18.0", HOST: "127.0.0.1", PORT: "0" },
      encoding: "utf8",
      timeout: 20_000,
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toBe(`error: ${runtimeProblem("22.18.0")}\n`);
    expect(run.stdout).toBe("");
  });
});

/** The first `node` on the PATH that is not the one this project provides, if any. */
function systemNode(): { path: string; major: number } | undefined {
  const provided = fileURLToPath(new URL("../../../node_modules", import.meta.url));
  const dirs = (process.env.PATH ?? "")
    .split(":")
    .filter((dir) => dir && !dir.startsWith(provided) && !dir.includes("node_modules"));
  for (const dir of dirs) {
    try {
      const version = execFileSync(`${dir}/node`, ["--version"], { encoding: "utf8", timeout: 10_000 }).trim();
      return { path: `${dir}/node`, major: Number(version.slice(1).split(".")[0]) };
    } catch {
      // no node here
    }
  }
  return undefined;
}

const older = systemNode();
const olderThan22 = older !== undefined && older.major < 22;

describe("a stage started directly with the machine's own Node.js", () => {
  // Node.js before 22 cannot load a .ts file at all, so no code of ours can
  // run: the README tells the reader what they will see and what to do.
  it.runIf(olderThan22)(
    `Node.js ${older?.major ?? "?"} fails as the README says: ERR_UNKNOWN_FILE_EXTENSION, exit 1`,
    () => {
      const run = spawnSync(older?.path ?? "node", ["src/main.ts"], {
        cwd: stage01,
        encoding: "utf8",
        timeout: 20_000,
        env: { ...process.env, PORT: "0" },
      });
      expect(run.status).toBe(1);
      expect(run.stderr).toContain('TypeError [ERR_UNKNOWN_FILE_EXTENSION]: Unknown file extension ".ts"');
      expect(readme).toContain('TypeError [ERR_UNKNOWN_FILE_EXTENSION]: Unknown file extension ".ts"');
    },
  );
});
