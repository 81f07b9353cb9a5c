// Which stage a reader means: `5`, `05` and `05-validate-request` all name
// packages/05-validate-request. One function, so that every command that
// takes a stage (`pnpm start`, and later `pnpm verify`, `pnpm stage:diff`)
// accepts the same forms and fails with the same message.
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";

/** The stages under `packagesDir`: `NN-name` folders with a src/main.ts, in order. */
export function listStages(packagesDir: string): string[] {
  return readdirSync(packagesDir)
    .filter((name) => /^\d{2}-[a-z0-9-]+$/.test(name) && existsSync(join(packagesDir, name, "src", "main.ts")))
    .sort();
}

type StageChoice = { readonly ok: true; readonly stage: string } | { readonly ok: false; readonly message: string };

/**
 * The one stage that `args` names among `stages`: its number (`5` or `05`)
 * or its whole name (`05-validate-request`). Anything else (nothing, two
 * stages, a number or name that is not a stage) gives a one-line message
 * that says what was given and lists the stages.
 */
export function resolveStage(args: readonly string[], stages: readonly string[]): StageChoice {
  const known = `the stages are ${stages.join(", ")}`;
  const forms = "name one by number (5 or 05) or by name (05-validate-request)";
  if (args.length === 0) return { ok: false, message: `no stage given; ${forms}; ${known}` };
  if (args.length > 1) {
    const given = args.map((arg) => JSON.stringify(arg)).join(" ");
    return { ok: false, message: `${args.length} stages given (${given}), but one is needed; ${known}` };
  }
  const arg = args[0] ?? "";
  const stage = /^\d{1,2}$/.test(arg)
    ? stages.find((name) => Number(name.slice(0, 2)) === Number(arg))
    : stages.find((name) => name === arg);
  if (stage === undefined) return { ok: false, message: `no stage ${JSON.stringify(arg)}; ${forms}; ${known}` };
  return { ok: true, stage };
}
