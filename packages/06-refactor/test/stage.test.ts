import { expect } from "vitest";
import { describeRobustness, describeRouting, get, stageDirOf, useStage } from "testkit";

const stage = useStage(import.meta.url);

describeRouting(stage, stageDirOf(import.meta.url));

describeRobustness(stage, {
  refusal: "answers",
  probe: async (running) => {
    expect((await get(running.port, "/")).statusLine).toBe("HTTP/1.1 200 OK");
  },
});
