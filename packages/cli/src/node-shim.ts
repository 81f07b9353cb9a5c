// Why this exists: the root devDependency `node` gives every pnpm script its
// Node.js 24 through the shim pnpm writes to node_modules/.bin/node. For that
// one shim (its target is a binary, not a script with a `#!` line) pnpm 10
// writes a sh script that runs the binary as a child and then `exit $?`,
// without `exec`: cmd-shim's shims that run a script through node have used
// `exec` since 2020, and pnpm/cmd-shim#53 adds it to this form as well, but
// pnpm 10.34.9, the latest 10.x, does not have that yet. So
// `pnpm --filter 06-refactor start` is pnpm → sh → node: a
// SIGTERM sent to pnpm (an IDE's stop button, `kill`, `timeout`, a process
// manager) reaches the sh, which dies and leaves the stage running, orphaned,
// with its port still taken. With `exec`, sh becomes node, pnpm's SIGTERM
// reaches the stage itself, and stage 10 shuts down gracefully.
//
// So after every install (pnpm rewrites its shims on each `pnpm install`,
// even when nothing changed) the root `postinstall` rewrites that one line.
// Only the sh shim is touched; node.cmd and node.ps1 (Windows) stay as pnpm
// wrote them. A pnpm with cmd-shim#53 writes the `exec` itself: left alone.
import { readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** The line pnpm writes: the binary run as a child, three spaces and all. */
const CHILD = /^"\$basedir\/\.\.\/node\/bin\/node" +"\$@"$/m;
/** The line this module writes instead. */
export const EXEC_LINE = 'exec "$basedir/../node/bin/node" "$@"';
/** The line with `exec`, as written here or by a pnpm with cmd-shim#53. */
const EXEC = /^exec "\$basedir\/\.\.\/node\/bin\/node" +"\$@"$/m;

type ShimRewrite =
  | { readonly kind: "rewritten"; readonly text: string }
  | { readonly kind: "already" }
  | { readonly kind: "unexpected" };

/** The shim's text with `exec` before node, or why it is left alone. */
export function rewriteShim(text: string): ShimRewrite {
  if (EXEC.test(text)) return { kind: "already" };
  if (!text.startsWith("#!/bin/sh\n")) return { kind: "unexpected" };
  const matches = text.match(new RegExp(CHILD.source, "gm")) ?? [];
  if (matches.length !== 1) return { kind: "unexpected" };
  return { kind: "rewritten", text: text.replace(CHILD, EXEC_LINE) };
}

type ShimResult = { readonly ok: true; readonly changed: boolean } | { readonly ok: false; readonly warning: string };

/**
 * Make `<root>/node_modules/.bin/node` exec the Node.js binary. Idempotent.
 * Never throws for a shim of another shape: it returns the warning to print.
 */
export function execNodeShim(root: string): ShimResult {
  const shim = join(root, "node_modules", ".bin", "node");
  const leftAlone =
    "so a SIGTERM sent to pnpm may leave a stage running (pnpm/cmd-shim#53; see packages/cli/src/node-shim.ts)";
  let text: string;
  try {
    text = readFileSync(shim, "utf8");
  } catch {
    return { ok: false, warning: `warning: node_modules/.bin/node not found; ${leftAlone}` };
  }
  const rewrite = rewriteShim(text);
  if (rewrite.kind === "already") return { ok: true, changed: false };
  if (rewrite.kind === "unexpected") {
    return {
      ok: false,
      warning: `warning: node_modules/.bin/node is not the shim pnpm 10 writes (a newer pnpm?); left unchanged, ${leftAlone}`,
    };
  }
  // A new file renamed over the old one: the sh running this very script
  // (the postinstall runs on this shim) keeps reading the file it opened.
  const temporary = `${shim}.${process.pid}.tmp`;
  writeFileSync(temporary, rewrite.text, { mode: statSync(shim).mode & 0o777 });
  renameSync(temporary, shim);
  return { ok: true, changed: true };
}
