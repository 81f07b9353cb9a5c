// 02-read-request in a browser: the stage prints the browser's whole request
// head, headers and all, and sends nothing back, so the browser shows its
// error page.
import { expect, it } from "vitest";
import { describeInBrowser, expectErrorPage, openTab, seen, since, useBrowser } from "../src/browser.ts";
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
    const heads = (stdout: string): number => stdout.match(/^Request: \[$/gm)?.length ?? 0;
    const requests = heads(printed);
    // While its error page is open, Chromium sends the request again on its own.
    const waiting = performance.now();
    await stage.waitUntil((stdout) => heads(stdout) > requests, 15_000, "request sent again by the error page");
    seen(
      "02-read-request",
      `error page ${code}; ${requests} request head(s) printed by then, each with the browser's headers; ` +
        `the error page sent it again on its own ${since(waiting)} ms later`,
    );
    await savePicture(browser(), "02-read-request", [
      {
        caption: `Chromium at http://127.0.0.1:${stage.port}/ (a test port; yours is 7878): ${code}`,
        png: await snap(tab),
      },
      {
        caption: `The stage's terminal, up to the first of the ${requests} requests it printed`,
        terminal: printed.slice(0, printed.indexOf("\n]\n") + 3),
      },
    ]);
  });

  it("the 2018 form (start:2018): one read of 512 bytes, printed raw; the browser's error page again", async () => {
    await using stage = await runStage("02-read-request", {}, "src/2018/main.ts");
    await using tab = await openTab(browser());
    const code = await expectErrorPage(tab, `${stage.url}/`, errorCodes("02-read-request"));
    await stage.waitForStdout(/^Request: GET \/ HTTP\/1\.1\r$/m);
    const printed = stage.stdout();
    expect(printed).toContain(`Host: 127.0.0.1:${stage.port}\r\n`);
    // A browser's head is longer than the 512-byte buffer: the print stops inside it, with no NUL padding.
    const first = printed.slice(printed.indexOf("Request: ")).split("\nRequest: ")[0] ?? "";
    expect(Buffer.byteLength(first.slice("Request: ".length).replace(/\n$/, ""))).toBe(512);
    expect(first).not.toContain("\r\n\r\n");
    expect(first).not.toContain("\0");
    seen("02-read-request", `start:2018: error page ${code}; the browser's head printed cut at 512 bytes`);
  });
});
