// `pnpm stage:diff`, run as a real process on the real stages, as a reader
// runs it. What the stages say is read from their files here, not written
// into the test, so that editing a stage does not break it.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { stripVTControlCharacters } from "node:util";
import { applyPatch, parsePatch } from "diff";
import { afterEach, describe, expect, it } from "vitest";
import { killMarked, pnpm, type Started, stageDiff, start, startPnpm, within } from "./run.ts";

const packages = fileURLToPath(new URL("../..", import.meta.url));
const LONG = 60_000; // per test: a process or two on a busy machine
const BOUND = 30_000; // for any one wait

// Piped, as here, the output must be plain: no colour variable of the test
// runner's environment is passed on unless a test sets one.
const PLAIN = { FORCE_COLOR: undefined, NO_COLOR: undefined, NODE_DISABLE_COLORS: undefined };
const ESCAPE = "\x1b[";

const running: Started[] = [];
afterEach(() => {
  for (const started of running.splice(0)) killMarked(started.mark);
});

interface Ran {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

async function finish(started: Started): Promise<Ran> {
  running.push(started);
  const { code } = await within(started.exited, BOUND, "exit");
  return { code, stdout: started.stdout(), stderr: started.stderr() };
}

/** `node stage-diff.ts args`, its stdout a pipe. */
function stageDiffRun(args: readonly string[], env: Record<string, string | undefined> = {}): Promise<Ran> {
  return finish(start(process.execPath, [stageDiff, ...args], { env: { ...PLAIN, ...env } }));
}

const read = (stage: string, path: string): string | undefined => {
  const file = join(packages, stage, path);
  return existsSync(file) ? readFileSync(file, "utf8") : undefined;
};
const srcFiles = (stage: string): string[] => readdirSync(join(packages, stage, "src")).map((name) => `src/${name}`);

/** The lines of `path` that only `to` has must be printed with `+`, those that only `from` has with `-`. */
function expectChangedLines(out: string, from: string, to: string, path: string): void {
  const oldLines = (read(from, path) ?? "").split("\n");
  const newLines = (read(to, path) ?? "").split("\n");
  const added = newLines.filter((line) => line !== "" && !oldLines.includes(line));
  const removed = oldLines.filter((line) => line !== "" && !newLines.includes(line));
  expect(added.length + removed.length, `${from} and ${to} differ in ${path}`).toBeGreaterThan(0);
  for (const line of added) expect(out).toContain(`\n+${line}\n`);
  for (const line of removed) expect(out).toContain(`\n-${line}\n`);
}

/** Applying each file's patch to `from`'s file must give `to`'s: the hunks are whole and right. */
function expectPatchesApply(out: string, from: string, to: string): string[] {
  const paths: string[] = [];
  for (const patch of parsePatch(out)) {
    const name = patch.newFileName === "/dev/null" ? patch.oldFileName : patch.newFileName;
    const path = name?.replace(/^[ab]\/\d\d-[a-z0-9-]+\//, "") ?? "";
    paths.push(path);
    expect(applyPatch(read(from, path) ?? "", patch), path).toBe(read(to, path) ?? "");
  }
  return paths;
}

describe("pnpm stage:diff, run directly", () => {
  it(
    "05 06, piped: a plain unified diff of src/main.ts with hunk headers and +/- lines, exit 0",
    async () => {
      const { code, stdout, stderr } = await stageDiffRun(["05", "06"]);
      expect(stderr).toBe("");
      expect(code).toBe(0);
      expect(stdout).toMatch(
        /^diff --git a\/05-validate-request\/src\/main\.ts b\/06-refactor\/src\/main\.ts\n--- a\/05-validate-request\/src\/main\.ts\n\+\+\+ b\/06-refactor\/src\/main\.ts\n@@ -\d+,\d+ \+\d+,\d+ @@\n/,
      );
      expect(stdout).not.toContain(ESCAPE);
      expectChangedLines(stdout, "05-validate-request", "06-refactor", "src/main.ts");
      expect(expectPatchesApply(stdout, "05-validate-request", "06-refactor")).toEqual(["src/main.ts"]);
    },
    LONG,
  );

  it(
    "02 03 leaves 02's 2018 form out; 01 02 --2018 shows 02's src/2018/main.ts in place of its src/main.ts",
    async () => {
      const plain = await stageDiffRun(["02", "03"]);
      expect(plain.code).toBe(0);
      expect(plain.stdout).toContain("diff --git a/02-read-request/src/main.ts b/03-write-response/src/main.ts\n");
      expect(plain.stdout).not.toContain("src/2018/");
      const edition = await stageDiffRun(["01", "02", "--2018"]);
      expect(edition.code).toBe(0);
      expect(edition.stdout).toMatch(
        /^diff --git a\/01-listen\/src\/main\.ts b\/02-read-request\/src\/2018\/main\.ts\n/,
      );
      const patch = parsePatch(edition.stdout)[0];
      expect(patch && applyPatch(read("01-listen", "src/main.ts") ?? "", patch)).toBe(
        read("02-read-request", "src/2018/main.ts"),
      );
    },
    LONG,
  );

  it.each(["5 6", "05-validate-request 06-refactor", "5 06-refactor"])(
    "%s names the same two stages as 05 06",
    async (args) => {
      const [named, numbered] = await Promise.all([stageDiffRun(args.split(" ")), stageDiffRun(["05", "06"])]);
      expect(named.code).toBe(0);
      expect(named.stdout).toBe(numbered.stdout);
    },
    LONG,
  );

  it(
    "07 08: the files only 08 has are new files, and every patch applies",
    async () => {
      const { code, stdout } = await stageDiffRun(["07", "08"]);
      expect(code).toBe(0);
      const added = srcFiles("08-thread-per-request").filter((path) => !srcFiles("07-slow-request").includes(path));
      expect(added.length).toBeGreaterThan(0);
      for (const path of added)
        expect(stdout).toContain(
          `diff --git a/08-thread-per-request/${path} b/08-thread-per-request/${path}\nnew file mode 100644\n--- /dev/null\n+++ b/08-thread-per-request/${path}\n@@ -0,0 +1,`,
        );
      expect(expectPatchesApply(stdout, "07-slow-request", "08-thread-per-request").sort()).toEqual(
        [...new Set([...srcFiles("07-slow-request"), ...srcFiles("08-thread-per-request")])]
          .filter((path) => read("07-slow-request", path) !== read("08-thread-per-request", path))
          .sort(),
      );
    },
    LONG,
  );

  it(
    "08 07, backwards: those files are deleted",
    async () => {
      const { code, stdout } = await stageDiffRun(["08", "07"]);
      expect(code).toBe(0);
      const removed = srcFiles("08-thread-per-request").filter((path) => !srcFiles("07-slow-request").includes(path));
      for (const path of removed)
        expect(stdout).toContain(
          `diff --git a/08-thread-per-request/${path} b/08-thread-per-request/${path}\ndeleted file mode 100644\n--- a/08-thread-per-request/${path}\n+++ /dev/null\n@@ -1,`,
        );
      expectPatchesApply(stdout, "08-thread-per-request", "07-slow-request");
    },
    LONG,
  );

  it(
    "FORCE_COLOR=1, even piped: headers bold, hunk headers cyan, - red, + green; the same text without the colours",
    async () => {
      const [coloured, plain] = await Promise.all([
        stageDiffRun(["05", "06"], { FORCE_COLOR: "1" }),
        stageDiffRun(["05", "06"]),
      ]);
      expect(coloured.code).toBe(0);
      // 05 06 is one file's patch: three header lines, then hunks
      const colour = (code: number, off: number, line: string): string => `\x1b[${code}m${line}\x1b[${off}m`;
      const expected = plain.stdout.split("\n").map((line, index) => {
        if (index < 3) return colour(1, 22, line);
        if (line.startsWith("@@ ")) return colour(36, 39, line);
        if (line.startsWith("-")) return colour(31, 39, line);
        if (line.startsWith("+")) return colour(32, 39, line);
        return line; // context lines stay as they are
      });
      const out = coloured.stdout;
      expect(out.split("\n")).toEqual(expected);
      expect(out).toContain(`${ESCAPE}31m-`);
      expect(out).toContain(`${ESCAPE}32m+`);
      expect(stripVTControlCharacters(out)).toBe(plain.stdout);
    },
    LONG,
  );

  it(
    "04 05: the pages are left out, and only src/ is compared",
    async () => {
      const { code, stdout } = await stageDiffRun(["04", "05"]);
      expect(code).toBe(0);
      const files = [...stdout.matchAll(/^diff --git a\/\S+ b\/\d\d-[a-z0-9-]+\/(\S+)$/gm)].map((match) => match[1]);
      expect(files).toContain("src/main.ts");
      for (const path of files) expect(path).toMatch(/^src\//);
      expect(stdout).not.toContain(".html b/");
    },
    LONG,
  );

  it(
    "04 05 --pages: 404.html, which only 05 has, is a new file too; still nothing from test/, README or package.json",
    async () => {
      const { code, stdout } = await stageDiffRun(["04", "05", "--pages"]);
      expect(code).toBe(0);
      expect(stdout).toContain(
        "diff --git a/05-validate-request/404.html b/05-validate-request/404.html\nnew file mode 100644\n--- /dev/null\n+++ b/05-validate-request/404.html\n@@ -0,0 +1,",
      );
      for (const [, path] of stdout.matchAll(/^diff --git a\/\S+ b\/\d\d-[a-z0-9-]+\/(\S+)$/gm))
        expect(path).toMatch(/^src\/|\.html$/);
      expect(expectPatchesApply(stdout, "04-return-html", "05-validate-request")).toContain("src/main.ts");
      // --pages may come anywhere
      expect((await stageDiffRun(["--pages", "04", "05"])).stdout).toBe(stdout);
    },
    LONG,
  );

  it.each([
    [["05", "11"], 'no stage "11";'],
    [["foo", "06"], 'no stage "foo";'],
    [[], "two stages are needed, <from> and <to>, and none given;"],
    [["5"], 'two stages are needed, <from> and <to>, and 1 given ("5");'],
    [["5", "6", "7"], 'two stages are needed, <from> and <to>, and 3 given ("5" "6" "7");'],
  ])(
    "%j: one error line naming it and listing the stages, nothing on stdout, exit 2",
    async (args, says) => {
      const { code, stdout, stderr } = await stageDiffRun(args);
      expect(code).toBe(2);
      expect(stdout).toBe("");
      expect(stderr).toMatch(/^error: [^\n]*01-listen, 02-read-request, [^\n]*, 10-graceful-shutdown\n$/);
      expect(stderr).toContain(says);
    },
    LONG,
  );

  it.each([
    [["--page", "5", "6"], 'error: unknown option "--page"; the options are --pages, --2018 and --help\n'],
    [["--pages=no", "5", "6"], 'error: --pages takes no value, but "--pages=no" gives it one\n'],
  ])(
    "%j: one error line, exit 2",
    async (args, error) => {
      const { code, stdout, stderr } = await stageDiffRun(args);
      expect({ code, stdout, stderr }).toEqual({ code: 2, stdout: "", stderr: error });
    },
    LONG,
  );

  it(
    "5 05-validate-request: the same stage twice, an empty diff and a one-line note, exit 0",
    async () => {
      const { code, stdout, stderr } = await stageDiffRun(["5", "05-validate-request", "--pages"]);
      expect({ code, stdout, stderr }).toEqual({
        code: 0,
        stdout: "",
        stderr: "05-validate-request both times: the same stage, nothing to compare\n",
      });
    },
    LONG,
  );

  it.each([[["--help"]], [["-h"]], [["05", "--help"]]])(
    "%j prints the help on stdout and exits 0",
    async (args) => {
      const { code, stdout, stderr } = await stageDiffRun(args);
      expect(code).toBe(0);
      expect(stderr).toBe("");
      expect(stdout).toMatch(/^Usage: pnpm stage:diff <from> <to> \[--pages\] \[--2018\]\n/);
      expect(stdout).toContain("--pages");
      expect(stdout).toMatch(/Exit status: 0 when the diff is printed, whether or not the stages differ/);
      expect(stdout).not.toContain("diff --git");
    },
    LONG,
  );
});

// util-linux's `script` runs the command on a pseudo-terminal, as a reader's terminal would.
const hasScript =
  process.platform === "linux" &&
  /util-linux/.test(spawnSync("script", ["--version"], { encoding: "utf8" }).stdout ?? "");

describe.skipIf(!hasScript)("in a terminal (util-linux script gives it one)", () => {
  const inTerminal = (env: Record<string, string | undefined>): Promise<Ran> => {
    const command = [process.execPath, stageDiff, "05", "06"].map((arg) => `'${arg}'`).join(" ");
    // A reader's terminal: Node.js colours only for a TERM it knows, and never under CI=… (its getColorDepth).
    const terminal = { TERM: "xterm-256color", CI: undefined };
    return finish(start("script", ["-qec", command, "/dev/null"], { env: { ...PLAIN, ...terminal, ...env } }));
  };

  it(
    "05 06: coloured",
    async () => {
      const { code, stdout } = await inTerminal({});
      expect(code).toBe(0);
      expect(stdout).toContain(`${ESCAPE}1mdiff --git a/05-validate-request/src/main.ts b/06-refactor/src/main.ts`);
      expect(stdout).toContain(`${ESCAPE}31m-`);
      expect(stdout).toContain(`${ESCAPE}32m+`);
    },
    LONG,
  );

  it(
    "05 06 with NO_COLOR=1: plain",
    async () => {
      const { code, stdout } = await inTerminal({ NO_COLOR: "1" });
      expect(code).toBe(0);
      expect(stdout).toContain("diff --git a/05-validate-request/src/main.ts b/06-refactor/src/main.ts");
      expect(stdout).not.toContain(ESCAPE);
    },
    LONG,
  );
});

describe.skipIf(!pnpm)("through pnpm (needs npm_execpath, which pnpm sets when it runs this test script)", () => {
  it(
    "pnpm -s stage:diff 05 06: the root script, the diff alone on stdout, exit 0",
    async () => {
      const { code, stdout, stderr } = await finish(startPnpm(["-s", "stage:diff", "05", "06"], { env: PLAIN }));
      expect(stderr).toBe("");
      expect(code).toBe(0);
      expect(stdout).toMatch(/^diff --git a\/05-validate-request\/src\/main\.ts b\/06-refactor\/src\/main\.ts\n/);
      expect(stdout).not.toContain(ESCAPE);
    },
    LONG,
  );

  it(
    "pnpm stage:diff 05 11: the one error line, exit 2, no stack trace",
    async () => {
      const { code, stdout, stderr } = await finish(startPnpm(["stage:diff", "05", "11"], { env: PLAIN }));
      expect(code).toBe(2);
      expect(stderr).toMatch(/^error: no stage "11"; .* 10-graceful-shutdown$/m);
      expect(stderr).not.toMatch(/^\s+at /m);
      expect(stdout).not.toContain("diff --git");
    },
    LONG,
  );
});
