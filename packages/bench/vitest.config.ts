// The repository's shared vitest settings (../../vitest.shared.ts), with more
// time per test: the smoke run starts every scenario's servers and load.
import { defineConfig, mergeConfig } from "vitest/config";
import shared from "../../vitest.shared.ts";

export default mergeConfig(shared, defineConfig({ test: { testTimeout: 180_000 } }));
