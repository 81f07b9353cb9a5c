// pnpm bench: the chapter's lessons in numbers and pictures. Four scenarios
// (throughput, head-of-line blocking, the cost of a thread, pool dispatch),
// every server on 127.0.0.1, every load bounded; then JSON, Markdown and
// SVG charts in docs/bench/, and the README's summary brought up to date.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { availableParallelism, cpus, platform, arch, totalmem } from "node:os";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { StartupError, exitWithError } from "core";
import { charts } from "./charts.ts";
import { dispatch } from "./dispatch.ts";
import { headOfLine } from "./head-of-line.ts";
import { progress } from "./progress.ts";
import { checkTargets, machineLine, markdown, targetsTable, throughputTable, type Results } from "./report.ts";
import { benchSettings } from "./settings.ts";
import { threadCost } from "./threads.ts";
import { throughput } from "./throughput.ts";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const DEFAULT_OUT = resolve(ROOT, "docs/bench");

// Ctrl+C or a kill ends the run through process.exit, so that the servers it started are stopped too.
process.once("SIGINT", () => process.exit(130));
process.once("SIGTERM", () => process.exit(143));

try {
  const settings = benchSettings();
  const out = resolve(process.env.BENCH_OUT?.trim() || DEFAULT_OUT);
  progress(`pnpm bench${settings.smoke ? " (smoke run)" : ""}: results go to ${out}`);

  const results: Results = {
    date: new Date().toISOString(),
    machine: {
      cores: availableParallelism(),
      cpu: cpus()[0]?.model.trim() ?? "unknown CPU",
      memoryGb: Math.round(totalmem() / 2 ** 30),
      node: process.version,
      platform: `${platform()} ${arch()}`,
    },
    settings,
    throughput: await throughput(settings),
    headOfLine: await headOfLine(settings),
    threads: await threadCost(settings),
    dispatch: await dispatch(settings),
  };
  const checks = checkTargets(results);

  mkdirSync(out, { recursive: true });
  writeFileSync(resolve(out, "results.json"), `${JSON.stringify({ ...results, targets: checks }, null, 2)}\n`);
  writeFileSync(resolve(out, "results.md"), markdown(results, checks));
  for (const [name, svg] of Object.entries(charts(results))) writeFileSync(resolve(out, name), svg);
  if (out === DEFAULT_OUT) updateReadme(results, targetsTable(checks), throughputTable(results));

  console.log(`\n${machineLine(results)}\n\n${targetsTable(checks)}\n\n${throughputTable(results)}\n`);
  console.log(`All tables: ${resolve(out, "results.md")}; charts and raw results beside it.`);
} catch (error) {
  // A setting out of range, or a server that would not start: one clear message, no stack trace.
  const message = error instanceof Error ? error.message : String(error);
  exitWithError(error instanceof StartupError ? message : `the bench stopped: ${message}`);
}

/** Replace the part of the root README between the bench markers with this run's summary. */
function updateReadme(results: Results, targets: string, table: string): void {
  const file = resolve(ROOT, "README.md");
  const readme = readFileSync(file, "utf8");
  const start = "<!-- bench:start -->";
  const end = "<!-- bench:end -->";
  const from = readme.indexOf(start);
  const to = readme.indexOf(end);
  if (from === -1 || to < from) {
    progress("README.md has no bench markers; it is left as it is");
    return;
  }
  const section = `${start}
Taken ${machineLine(results)}, with \`pnpm bench\`; every table is in
[docs/bench/results.md](docs/bench/results.md), the raw numbers in
[results.json](docs/bench/results.json).

${targets}

${table}

![GET / throughput](docs/bench/throughput.svg)
![Head-of-line blocking](docs/bench/head-of-line.svg)
![The cost of a thread](docs/bench/threads.svg)
![Pool dispatch](docs/bench/dispatch.svg)
`;
  writeFileSync(file, readme.slice(0, from) + section + readme.slice(to));
}
