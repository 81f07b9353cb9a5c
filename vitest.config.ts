// `pnpm vitest` (or `pnpm vitest run`) from the repository root: every
// package's tests in one vitest, in watch mode by default, each package with
// its own vitest.config.ts. `pnpm test` does not use this file: turbo runs
// `vitest run` in each package, so that it can cache each package on its own.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    projects: ["packages/*/vitest.config.ts"],
  },
});
