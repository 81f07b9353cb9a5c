// Adds up the vitest results that every package's `test` task wrote to
// test-results/vitest.json (turbo restores them on a cache hit too) and
// prints one closing line: "Tests: N passed, N failed, N skipped"; exits 1
// when a package's run failed outside any test (nothing else would say so).
import { readdirSync, readFileSync, existsSync } from "node:fs";
import { join } from "node:path";

const root = join(import.meta.dirname ?? new URL(".", import.meta.url).pathname, "..", "packages");
let passed = 0;
let failed = 0;
let skipped = 0;
let files = 0;
const brokenRuns = [];
for (const name of readdirSync(root).sort()) {
  const file = join(root, name, "test-results", "vitest.json");
  if (!existsSync(file)) continue;
  const report = JSON.parse(readFileSync(file, "utf8"));
  files++;
  passed += report.numPassedTests;
  failed += report.numFailedTests;
  skipped += report.numPendingTests + (report.numTodoTests ?? 0);
  // A run that failed before or around its tests (a global setup that threw, a file that could not
  // load) has no failed test to count, only `success: false`: it is named, and fails the summary.
  const broken = report.success === false && report.numFailedTests === 0;
  if (broken) brokenRuns.push(name);
  console.log(
    `${name}: ${report.numPassedTests} passed, ${report.numFailedTests} failed${broken ? ", and the run itself failed" : ""}`,
  );
}
if (files === 0) {
  console.log("no test results found under packages/*/test-results");
  process.exit(1);
}
console.log(`Tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
if (brokenRuns.length > 0) {
  console.log(`failed outside any test: ${brokenRuns.join(", ")} (see that package's output above)`);
  process.exit(1);
}
