// The vitest settings every package shares. Each package's vitest.config.ts
// is this file, merged with whatever that package needs on top (the bench
// gives its smoke run more time), so every `test` script is `vitest run`.
// It is one of turbo's globalDependencies: changing it reruns every package.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // In milliseconds. The tests start stages as real processes and wait for
    // timeouts of theirs; on a busy two-core machine that takes seconds.
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // The console report, and a JSON one for turbo to cache with the task
    // (turbo.json's `test-results/**`) and scripts/test-summary.mjs to add up.
    // The path is relative to the package, where turbo runs `vitest run`.
    reporters: ["default", "json"],
    outputFile: { json: "test-results/vitest.json" },
  },
});
