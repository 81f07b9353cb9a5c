// The repository's shared vitest settings (../../vitest.shared.ts), plus what
// browser tests need: one test file at a time (each starts a Chromium and
// stages, and times what the browser shows), a global setup that finds the
// browser once, and more time for a browser's start on a busy machine.
import { defineConfig, mergeConfig } from "vitest/config";
import shared from "../../vitest.shared.ts";

export default mergeConfig(
  shared,
  defineConfig({
    test: { fileParallelism: false, globalSetup: ["test/global-setup.ts"], testTimeout: 90_000, hookTimeout: 90_000 },
  }),
);
