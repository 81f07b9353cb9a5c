import { expect, it } from "vitest";
import { slowAndFast, describeRobustness, describeRouting, get, stageDirOf, useStage } from "testkit";

const SLEEP_MS = 2000;
const stage = useStage(import.meta.url, { SLEEP_MS: String(SLEEP_MS) });

describeRouting(stage, stageDirOf(import.meta.url), [
  { request: "GET /sleep HTTP/1.1", status: "HTTP/1.1 200 OK", page: "hello.html" },
]);

it("a GET / sent while /sleep is in progress is answered only once the sleep is over", async () => {
  const { fastDoneAfterMs } = await slowAndFast(stage().port, 500);
  // Not a speed check: a lower bound that only a blocked thread explains,
  // since `/` alone takes milliseconds (see the routing test above).
  expect(fastDoneAfterMs).toBeGreaterThanOrEqual(SLEEP_MS);
});

describeRobustness(stage, {
  refusal: "answers",
  probe: async (running) => {
    expect((await get(running.port, "/")).statusLine).toBe("HTTP/1.1 200 OK");
  },
});
