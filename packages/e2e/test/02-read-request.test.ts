// 02-read-request in a browser: the stage prints the browser's whole request
// head, headers and all, and sends nothing back, so the browser shows its
// error page.
import { expect, it } from "vitest";
import { describeInBrowser, expectErrorPage, openTab, seen, useBrowser } from "../src/browser.ts";
import { savePicture, snap } from "../src/pictures.ts";
import { errorCodes } from "../src/expected.ts";
import { runStage } from "../src/stages.ts";

describeInBrowser("02-read-request in Chromium", () => {
  const browser = useBrowser();

  it("prints the request lines with the browser's headers, and the browser shows its error page", async () => {
    await using stage = await runStage("02-read-request");
    await using tab = await openTab(browser());
    const code = await expectErrorPage(tab, `${stage.url}/`, errorCodes("02-read-request"));
    await stage.waitForStdout(/^\]$/m);
    const printed = stage.stdout();
    // The head line by line, as the book's `Request: [...]`, with what only a browser sends.
    expect(printed).toContain('Request: [\n    "GET / HTTP/1.1",\n');
    expect(printed).toContain(`    "Host: 127.0.0.1:${stage.port}",\n`);
    expect(printed).toMatch(/^ {4}"User-Agent: Mozilla\/5\.0 .*Chrome\/[\d.]+ .*",$/m);
    expect(printed).toMatch(/^ {4}"Accept: text\/html,.*",$/m);
    expect(printed).toContain('    "Sec-Fetch-Mode: navigate",\n');
    const requests = printed.match(/^Request: \[$/gm)?.length ?? 0;
    seen("02-read-request", `error page ${code}; ${requests} request head(s) printed, each with the browser's headers`);
    await savePicture(browser(), "02-read-request", [
      { caption: `Chromium at http://127.0.0.1:${stage.port}/ (a test port; yours is 7878)`, png: await snap(tab) },
      { caption: "The stage's terminal", terminal: printed },
    ]);
  });
});
