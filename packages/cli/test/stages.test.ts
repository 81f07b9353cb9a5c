import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { listStages, resolveStage } from "../src/stages.ts";

const packages = fileURLToPath(new URL("../..", import.meta.url));
const STAGES = [
  "01-listen",
  "02-read-request",
  "03-write-response",
  "04-return-html",
  "05-validate-request",
  "06-refactor",
  "07-slow-request",
  "08-thread-per-request",
  "09-thread-pool",
  "10-graceful-shutdown",
];
const LIST = `the stages are ${STAGES.join(", ")}`;

describe("listStages", () => {
  it("finds the ten stages in order, and not core, testkit, bench or cli", () => {
    expect(listStages(packages)).toEqual(STAGES);
  });
});

describe("resolveStage", () => {
  it.each([
    ["5", "05-validate-request"],
    ["05", "05-validate-request"],
    ["05-validate-request", "05-validate-request"],
    ["1", "01-listen"],
    ["01-listen", "01-listen"],
    ["10", "10-graceful-shutdown"],
    ["10-graceful-shutdown", "10-graceful-shutdown"],
  ])("%s names %s", (arg, stage) => {
    expect(resolveStage([arg], STAGES)).toEqual({ ok: true, stage });
  });

  it.each([
    "11",
    "0",
    "00",
    "010",
    "foo",
    "5x",
    "-5",
    "5.0",
    " 5",
    "",
    "validate-request",
    "05-Validate-Request",
    "core",
    "cli",
  ])("%j is no stage: the message names it and lists the stages", (arg) => {
    expect(resolveStage([arg], STAGES)).toEqual({
      ok: false,
      message: `no stage ${JSON.stringify(arg)}; name one by number (5 or 05) or by name (05-validate-request); ${LIST}`,
    });
  });

  it("asks for a stage when given none", () => {
    expect(resolveStage([], STAGES)).toEqual({
      ok: false,
      message: `no stage given; name one by number (5 or 05) or by name (05-validate-request); ${LIST}`,
    });
  });

  it("refuses two stages, even two names of the same one", () => {
    expect(resolveStage(["5", "6"], STAGES)).toEqual({
      ok: false,
      message: `2 stages given ("5" "6"), but one is needed; ${LIST}`,
    });
    expect(resolveStage(["5", "05"], STAGES)).toMatchObject({ ok: false });
  });

  it("keeps every message on one line", () => {
    for (const args of [[], ["11"], ["a\nb"], ["5", "6"]]) {
      const choice = resolveStage(args, STAGES);
      expect(choice.ok).toBe(false);
      if (!choice.ok) expect(choice.message).not.toContain("\n");
    }
  });
});
