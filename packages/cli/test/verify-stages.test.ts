// `pnpm verify` against this project's own stages: each passes its own
// stage's claims, and the checklist counts the connections it opened.
import { describe, expect, it } from "vitest";
import { listStages } from "../src/stages.ts";
import { ownStage, packagesDir, SLEEP, verify } from "./verify-run.ts";

const racing = (stage: string): boolean => ["08", "09"].includes(stage.slice(0, 2));

const STAGES = listStages(packagesDir);

describe("pnpm verify passes every stage of this project against its own claims", () => {
  it.each(STAGES)("%s", { timeout: 120_000 }, async (stage) => {
    const sleep = racing(stage) ? ["--sleep-ms", SLEEP] : [];
    const run = await verify(
      [stage.slice(0, 2), ...sleep, ...ownStage(stage)],
      racing(stage) ? { SLEEP_MS: SLEEP } : {},
    );
    expect(run.stdout).not.toContain("✗");
    expect(run.stdout).toMatch(/^✓ /m);
    expect(run.stdout).toMatch(/^(\d+) of \1 claims hold; \d+ connections? opened$/m);
    expect(run.code).toBe(0);
  });

  it("the 2018 edition's stage 10 (Terminate messages) passes too", { timeout: 120_000 }, async () => {
    const run = await verify(["10", ...ownStage("10-graceful-shutdown", "src/2018/main.ts")]);
    expect(run.stdout).toContain("5 of 5 claims hold; 2 connections opened");
    expect(run.code).toBe(0);
  });

  it("at 01, one `Connection established!` per connection it opened: it made no probe", {
    timeout: 60_000,
  }, async () => {
    const run = await verify(["01", ...ownStage("01-listen")]);
    expect(run.stdout).toContain("2 of 2 claims hold; 4 connections opened");
  });
});
