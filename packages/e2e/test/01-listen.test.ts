// 01-listen in a browser: the stage drops every connection unread, so the
// browser shows its connection error page, and it retries, so one page load
// prints several `Connection established!` lines.
import { expect, it } from "vitest";
import { describeInBrowser, expectErrorPage, openTab, seen, settled, since, useBrowser } from "../src/browser.ts";
import { shownText } from "../src/pages.ts";
import { savePicture, snap } from "../src/pictures.ts";
import { errorCodes } from "../src/expected.ts";
import { runStage } from "../src/stages.ts";

const established = (stdout: string): number => stdout.match(/^Connection established!$/gm)?.length ?? 0;

describeInBrowser("01-listen in Chromium", () => {
  const browser = useBrowser();

  it("shows the browser's connection error page, and prints Connection established! for each connection", async () => {
    await using stage = await runStage("01-listen");
    await using tab = await openTab(browser());
    const counts: number[] = [];
    const codes: string[] = [];
    for (let load = 0; load < 2; load++) {
      const before = established(stage.stdout());
      codes.push(await expectErrorPage(tab, `${stage.url}/`, errorCodes("01-listen")));
      // The line comes from the stage's process, which may print it after the browser gave up.
      await stage.waitUntil((stdout) => established(stdout) > before, 10_000, "`Connection established!` line");
      counts.push((await settled(() => established(stage.stdout()))) - before);
    }
    expect(await shownText(tab, "body")).toContain(codes[1]); // the code, on the error page
    // While its error page is open, Chromium tries the address again on its own, without a reload.
    const shown = established(stage.stdout());
    const waiting = performance.now();
    await stage.waitUntil((stdout) => established(stdout) > shown, 15_000, "further `Connection established!` line");
    seen(
      "01-listen",
      `error page ${codes.join(", then ")}; Connection established! × ${counts.join(", then × ")} ` +
        `by the time the error page showed; the error page tried again on its own ${since(waiting)} ms later`,
    );
    await savePicture(browser(), "01-listen", [
      {
        caption: `Chromium at http://127.0.0.1:${stage.port}/ (a test port; yours is 7878): ${codes[1]}`,
        png: await snap(tab),
      },
      { caption: "The stage's terminal, after two page loads and a retry", terminal: stage.stdout() },
    ]);
  });
});
