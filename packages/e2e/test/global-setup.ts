// Once per run, before the browser tests: find Chromium and print which one
// (or the one line that says how to enable the tests, which are then
// skipped); after them, print what the browser showed at each stage.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { HOW_TO_ENABLE, HOW_TO_INSTALL, findChromium, launch } from "../src/chromium.ts";
import { SEEN_FILE } from "../src/seen-file.ts";
import { TAKING_PICTURES } from "../src/pictures.ts";

export default async function setup(): Promise<() => void> {
  rmSync(SEEN_FILE, { force: true });
  const path = findChromium();
  if (!path) {
    // CI (.ci/run) and `pnpm screenshots` need the browser: there, no browser is a failure, not a skip.
    const required = process.env.E2E_REQUIRE_BROWSER === "1" || TAKING_PICTURES;
    if (required) throw new Error(`no Chromium found, and this run needs one. ${HOW_TO_INSTALL}`);
    console.log(HOW_TO_ENABLE);
    return () => {};
  }
  const browser = await launch(path);
  const version = browser.version();
  await browser.close();
  mkdirSync(dirname(SEEN_FILE), { recursive: true });
  writeFileSync(SEEN_FILE, `browser: Chromium ${version} (${path})\n`);
  console.log(`browser tests in Chromium ${version} (${path})${TAKING_PICTURES ? ", saving pictures" : ""}`);
  return () => {
    if (!existsSync(SEEN_FILE)) return;
    // The test files ran in any order; the record reads stage by stage.
    const [browserLine, ...facts] = readFileSync(SEEN_FILE, "utf8").trimEnd().split("\n");
    const record = [browserLine, ...facts.sort((a, b) => a.localeCompare(b, "en"))].join("\n");
    writeFileSync(SEEN_FILE, `${record}\n`);
    console.log(`\nWhat the browser showed (${SEEN_FILE}):\n${record}`);
  };
}
