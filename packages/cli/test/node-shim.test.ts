import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { EXEC_LINE, execNodeShim, rewriteShim } from "../src/node-shim.ts";

const root = fileURLToPath(new URL("../../..", import.meta.url));
const postinstall = fileURLToPath(new URL("../src/postinstall.ts", import.meta.url));

/** node_modules/.bin/node as pnpm 10.34.9 writes it (NODE_PATH shortened). */
const PNPM_SHIM = `#!/bin/sh
basedir=$(dirname "$(echo "$0" | sed -e 's,\\\\,/,g')")

case \`uname\` in
    *CYGWIN*|*MINGW*|*MSYS*)
        if command -v cygpath > /dev/null 2>&1; then
            basedir=\`cygpath -w "$basedir"\`
        fi
    ;;
esac

if [ -z "$NODE_PATH" ]; then
  export NODE_PATH="/x/node_modules/.pnpm/node_modules"
else
  export NODE_PATH="/x/node_modules/.pnpm/node_modules:$NODE_PATH"
fi
"$basedir/../node/bin/node"   "$@"
exit $?
`;

describe("rewriteShim", () => {
  it("puts exec before node on that one line and changes nothing else", () => {
    const result = rewriteShim(PNPM_SHIM);
    expect(result.kind).toBe("rewritten");
    if (result.kind !== "rewritten") return;
    expect(result.text).toBe(PNPM_SHIM.replace('"$basedir/../node/bin/node"   "$@"', EXEC_LINE));
    expect(result.text).toContain(`\n${EXEC_LINE}\nexit $?\n`);
  });

  it("leaves a shim that already execs node alone", () => {
    const once = rewriteShim(PNPM_SHIM);
    if (once.kind !== "rewritten") throw new Error("expected a rewrite");
    expect(rewriteShim(once.text)).toEqual({ kind: "already" });
  });

  it("leaves alone a shim in which pnpm itself writes exec (pnpm/cmd-shim#53)", () => {
    const upstream = PNPM_SHIM.replace('"$basedir/../node/bin/node"   "$@"', 'exec "$basedir/../node/bin/node"   "$@"');
    expect(rewriteShim(upstream)).toEqual({ kind: "already" });
  });

  it.each([
    ["an empty file", ""],
    ["no sh shebang", PNPM_SHIM.replace("#!/bin/sh", "#!/usr/bin/env node")],
    ["another target", PNPM_SHIM.replace("../node/bin/node", "../node/bin/node.exe")],
    ["the line twice", PNPM_SHIM.replace("exit $?", '"$basedir/../node/bin/node"   "$@"\nexit $?')],
    ["Windows line ends", PNPM_SHIM.replaceAll("\n", "\r\n")],
  ])("calls %s unexpected", (_what, text) => {
    expect(rewriteShim(text)).toEqual({ kind: "unexpected" });
  });
});

describe("execNodeShim and the postinstall", () => {
  const made: string[] = [];
  afterEach(() => {
    for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  /** A project root whose node_modules/.bin/node holds `text`. */
  const fakeRoot = (text?: string): { dir: string; shim: string } => {
    const dir = mkdtempSync(join(tmpdir(), "cli-shim-"));
    made.push(dir);
    const bin = join(dir, "node_modules", ".bin");
    mkdirSync(bin, { recursive: true });
    const shim = join(bin, "node");
    if (text !== undefined) {
      writeFileSync(shim, text);
      chmodSync(shim, 0o755);
    }
    return { dir, shim };
  };
  const runPostinstall = (dir: string) =>
    spawnSync(process.execPath, [postinstall, dir], { encoding: "utf8", timeout: 20_000 });

  it("rewrites the shim in place, keeps it executable, and is idempotent", () => {
    const { dir, shim } = fakeRoot(PNPM_SHIM);
    expect(execNodeShim(dir)).toEqual({ ok: true, changed: true });
    const once = readFileSync(shim, "utf8");
    expect(once).toContain(`\n${EXEC_LINE}\n`);
    expect(statSync(shim).mode & 0o777).toBe(0o755);
    expect(execNodeShim(dir)).toEqual({ ok: true, changed: false });
    expect(readFileSync(shim, "utf8")).toBe(once);
  });

  it("as the postinstall: silent, exit 0, twice in a row", () => {
    const { dir, shim } = fakeRoot(PNPM_SHIM);
    for (const _ of [1, 2]) {
      const run = runPostinstall(dir);
      expect({ status: run.status, stdout: run.stdout, stderr: run.stderr }).toEqual({
        status: 0,
        stdout: "",
        stderr: "",
      });
    }
    expect(readFileSync(shim, "utf8")).toContain(`\n${EXEC_LINE}\n`);
  });

  it.each([
    ["of another shape", '#!/bin/sh\nexec node "$@"\n', "is not the shim pnpm 10 writes"],
    ["missing", undefined, "not found"],
  ])("as the postinstall, with a shim %s: one warning line, exit 0, nothing changed", (_what, text, says) => {
    const { dir, shim } = fakeRoot(text);
    const run = runPostinstall(dir);
    expect(run.status).toBe(0);
    expect(run.stdout).toBe("");
    expect(run.stderr).toMatch(/^warning: node_modules\/\.bin\/node .*pnpm\/cmd-shim#53.*\n$/);
    expect(run.stderr.split("\n")).toHaveLength(2);
    expect(run.stderr).toContain(says);
    if (text !== undefined) expect(readFileSync(shim, "utf8")).toBe(text);
  });

  it("has run on this checkout: the project's node_modules/.bin/node execs node", () => {
    const shim = readFileSync(join(root, "node_modules", ".bin", "node"), "utf8");
    expect(shim).toMatch(/\nexec "\$basedir\/\.\.\/node\/bin\/node" +"\$@"\n/);
  });
});
