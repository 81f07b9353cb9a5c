// `pnpm start <stage>` at the root: a shortcut for
// `pnpm --filter <stage> start`, taking `5`, `05` or `05-validate-request`.
//
// It runs the stage in this very process: into the stage's folder, then an
// import of its src/main.ts, which is what `node src/main.ts` there does
// (the stages find their files through import.meta.url, and "core" from
// their own node_modules). So there is no child process to forward signals
// to: Ctrl+C and a SIGTERM sent to pnpm reach the stage itself, and stage 10
// shuts down gracefully and sets the exit code, exactly as with --filter.
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { listStages, resolveStage } from "./stages.ts";

const packages = fileURLToPath(new URL("../..", import.meta.url));
const args = process.argv.slice(2);
if (args[0] === "--") args.shift(); // `pnpm start -- 5` passes the `--` on

const choice = resolveStage(args, listStages(packages));
if (!choice.ok) {
  process.stderr.write(`error: ${choice.message}\n`);
  process.exit(1);
}

const dir = join(packages, choice.stage);
const main = join(dir, "src", "main.ts");
console.log(`> ${choice.stage}: node src/main.ts`);
process.chdir(dir);
process.argv.splice(1, Infinity, main); // what the stage would see run directly
await import(pathToFileURL(main).href);
