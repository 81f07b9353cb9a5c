import { expect, it } from "vitest";
import { describeBookClaims, describeServing, slowAndFast, stageDirOf, useStage } from "testkit";

const SLEEP_MS = 2000;
const stage = useStage(import.meta.url, { SLEEP_MS: String(SLEEP_MS) });

describeBookClaims("07", stage, SLEEP_MS);

it("a GET / sent while /sleep is in progress is answered only once the sleep is over", async () => {
  // `/` goes halfway through the sleep: the stage has had a whole second to
  // read `/sleep` first, even on a loaded machine, and the check below still
  // tells a blocked thread (≥ 2 s) from a free one (about 1 s).
  const { fastDoneAfterMs } = await slowAndFast(stage().port, SLEEP_MS / 2);
  // Not a speed check: a lower bound that only a blocked thread explains,
  // since `/` alone takes milliseconds (see the routing tests below).
  expect(fastDoneAfterMs).toBeGreaterThanOrEqual(SLEEP_MS);
});

describeServing(stage, stageDirOf(import.meta.url), { sleep: true });
