// Adds up the vitest results that every package's `test` task wrote to
// test-results/vitest.json (turbo restores them on a cache hit too) and
// prints one closing line: "Tests: N passed, N failed, N skipped".
import { readdirSync, readFileSync, existsSync } from "node:fs";
import { join } from "node:path";

const root = join(import.meta.dirname ?? new URL(".", import.meta.url).pathname, "..", "packages");
let passed = 0;
let failed = 0;
let skipped = 0;
let files = 0;
for (const name of readdirSync(root).sort()) {
  const file = join(root, name, "test-results", "vitest.json");
  if (!existsSync(file)) continue;
  const report = JSON.parse(readFileSync(file, "utf8"));
  files++;
  passed += report.numPassedTests;
  failed += report.numFailedTests;
  skipped += report.numPendingTests + (report.numTodoTests ?? 0);
  console.log(`${name}: ${report.numPassedTests} passed, ${report.numFailedTests} failed`);
}
if (files === 0) {
  console.log("no test results found under packages/*/test-results");
  process.exit(1);
}
console.log(`Tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
