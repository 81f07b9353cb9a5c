// 08 and 09 in a browser: /sleep in one tab no longer holds up / in another,
// which finishes while /sleep is still loading.
import { expect, it } from "vitest";
import { LONG_SLEEP_MS } from "testkit";
import { describeInBrowser, seen, useBrowser } from "../src/browser.ts";
import { expectPage } from "../src/pages.ts";
import { TAKING_PICTURES, savePicture, snap } from "../src/pictures.ts";
import { runStage } from "../src/stages.ts";
import { sleepThenRoot } from "../src/two-tabs.ts";

// The pictures show the book's 5 s; the tests sleep far longer than / can take, and do not wait for it.
const SLEEP_MS = TAKING_PICTURES ? 5_000 : LONG_SLEEP_MS;
const GAP_MS = 500;

describeInBrowser("08 and 09 in Chromium", () => {
  const browser = useBrowser();

  for (const name of ["08-thread-per-request", "09-thread-pool"]) {
    it(`${name}: /sleep in one tab, then / in another: / finishes while /sleep is still loading`, async () => {
      await using stage = await runStage(name, { SLEEP_MS: String(SLEEP_MS), POOL_SIZE: "4" });
      await using tabs = await sleepThenRoot(browser(), stage.url, GAP_MS);
      const { slow, fast } = tabs;
      await fast.done;
      await expectPage(fast.tab, fast.response(), name, "hello.html");
      const fastAt = fast.respondedAt() ?? Number.NaN;
      // / came back within the sleep: it did not wait for /sleep's thread.
      expect(fastAt).toBeLessThan(SLEEP_MS);
      expect(slow.respondedAt(), "/sleep was answered before / came back").toBeUndefined();
      // 09's workers print a line per connection they take: the browser's spare connections show there.
      const jobs = stage.stdout().match(/ got a job; executing\.$/gm)?.length;
      if (jobs !== undefined) expect(jobs).toBeGreaterThanOrEqual(2); // at least /sleep and /
      seen(
        name,
        `SLEEP_MS=${SLEEP_MS}: / sent ~${GAP_MS} ms after /sleep, answered at ${Math.round(fastAt)} ms, ` +
          `/sleep still loading${jobs === undefined ? "" : `; ${jobs} "got a job" lines`}`,
      );
      await savePicture(browser(), name, [
        {
          caption: `Tab 2: /, opened ${GAP_MS / 1000} s after /sleep in tab 1, answered while tab 1 still loads`,
          png: await snap(fast.tab),
        },
        { caption: "The stage's terminal meanwhile", terminal: stage.stdout() },
      ]);
    });
  }
});
