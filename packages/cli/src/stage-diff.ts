// `pnpm stage:diff <from> <to>` at the root: what changed from one stage to
// another, as a unified diff of their sources; `--help` says the rest.
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { colourDiff, diffStages } from "./diff-stages.ts";
import { listStages, resolveStage } from "./stages.ts";

const HELP = `Usage: pnpm stage:diff <from> <to> [--pages] [--2018]

Prints what changed from stage <from> to stage <to> as a unified diff, the
lines the book highlights in its listings: every file under each stage's
src/, matched by its path there (src/main.ts with src/main.ts). A file that
only <to> has is shown as a new file, one that only <from> has as deleted.

  <from> <to>   two stages, each by number (5 or 05) or by name
                (05-validate-request); 06 05 shows the change backwards
  --pages       also compare the pages the stages serve (*.html:
                hello.html, 404.html), which are left out otherwise
  --2018        compare the stages as the 2018 edition (and the Russian
                print) has them: where a stage has a src/2018/ form (02, 10),
                its files stand in for src/ files of the same name; without
                --2018, src/2018/ is left out
  -h, --help    print this help

Example: pnpm stage:diff 05 06

Added lines are green and removed ones red when the output is a terminal,
unless NO_COLOR is set (FORCE_COLOR colours it anywhere); piped or written
to a file, it is plain text. pnpm prints two lines of its own first, which
-s leaves out: pnpm -s stage:diff 05 06 > 05-06.diff

Exit status: 0 when the diff is printed, whether or not the stages differ
(diff(1) would exit 1 when they differ, which pnpm reports as a failure);
2 for a mistake in the command, such as a stage that does not exist.
`;

const packages = fileURLToPath(new URL("../..", import.meta.url));

/** A mistake in the command: one line on stderr, exit status 2. */
function usageError(message: string): never {
  process.stderr.write(`error: ${message}\n`);
  process.exit(2);
}

const { values, positionals, tokens } = parseArgs({
  args: process.argv.slice(2),
  options: { pages: { type: "boolean" }, "2018": { type: "boolean" }, help: { type: "boolean", short: "h" } },
  allowPositionals: true,
  strict: false,
  tokens: true,
});
for (const token of tokens) {
  if (token.kind !== "option") continue;
  if (!["pages", "2018", "help"].includes(token.name))
    usageError(`unknown option ${JSON.stringify(token.rawName)}; the options are --pages, --2018 and --help`);
  if (token.value !== undefined)
    usageError(
      `${token.rawName} takes no value, but ${JSON.stringify(`${token.rawName}=${token.value}`)} gives it one`,
    );
}
if (values.help) {
  process.stdout.write(HELP);
  process.exit(0);
}

const stages = listStages(packages);
if (positionals.length !== 2) {
  const given =
    positionals.length === 0
      ? "none given"
      : `${positionals.length} given (${positionals.map((arg) => JSON.stringify(arg)).join(" ")})`;
  usageError(
    `two stages are needed, <from> and <to>, and ${given}; name each by number (5 or 05) or by name (05-validate-request); the stages are ${stages.join(", ")}`,
  );
}
const [from, to] = positionals.map((arg) => {
  const choice = resolveStage([arg], stages);
  return choice.ok ? choice.stage : usageError(choice.message);
});
if (from === undefined || to === undefined) throw new Error("unreachable: two stages were resolved");

if (from === to) {
  process.stderr.write(`${from} both times: the same stage, nothing to compare\n`);
} else {
  const pages = values.pages === true;
  const patch = diffStages(packages, from, to, { pages, edition2018: values["2018"] === true });
  if (patch === "")
    process.stderr.write(`${from} and ${to} have the same ${pages ? "sources and pages" : "sources"}\n`);
  // A reader's `| head` closes the pipe early: that is no error of ours.
  process.stdout.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code !== "EPIPE") throw error;
    process.exit(0);
  });
  process.stdout.write(colourDiff(patch));
}
