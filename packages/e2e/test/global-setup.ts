// Once per run, before the browser tests: find Chromium and print which one
// (or the one line that says how to enable the tests, which are then
// skipped); after them, print what the browser showed at each stage, and
// check that a plain run wrote no picture.
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { launch, locateChromium } from "../src/chromium.ts";
import { SEEN_FILE } from "../src/seen-file.ts";
import { TAKING_PICTURES } from "../src/pictures.ts";

/** The pictures that `pnpm screenshots` writes, and a plain run must leave alone. */
const PICTURES = fileURLToPath(new URL("../../../docs/screenshots/", import.meta.url));

/** Fail a plain run that wrote a picture: only `pnpm screenshots` may. */
function checkNoPicturesWritten(since: number): void {
  if (TAKING_PICTURES || !existsSync(PICTURES)) return;
  const written = readdirSync(PICTURES).filter((name) => statSync(join(PICTURES, name)).mtimeMs >= since);
  if (written.length > 0) throw new Error(`a plain test run wrote ${written.join(", ")} in ${PICTURES}`);
}

export default async function setup(): Promise<() => void> {
  const started = Date.now();
  rmSync(SEEN_FILE, { force: true });
  const located = locateChromium();
  if (!("path" in located)) {
    // Skipped (no browser here) or failing (one is needed): said in one line here, and again by each
    // failing test.
    if ("error" in located) console.error(`browser tests: ${located.error}`);
    else console.log(located.skip);
    return () => checkNoPicturesWritten(started);
  }
  const { path } = located;
  const browser = await launch(path);
  const version = browser.version();
  await browser.close();
  mkdirSync(dirname(SEEN_FILE), { recursive: true });
  writeFileSync(SEEN_FILE, `browser: Chromium ${version} (${path})\n`);
  console.log(`browser tests in Chromium ${version} (${path})${TAKING_PICTURES ? ", saving pictures" : ""}`);
  return () => {
    checkNoPicturesWritten(started);
    if (!existsSync(SEEN_FILE)) return;
    // The test files ran in any order; the record reads stage by stage.
    const [browserLine, ...facts] = readFileSync(SEEN_FILE, "utf8").trimEnd().split("\n");
    const record = [browserLine, ...facts.sort((a, b) => a.localeCompare(b, "en"))].join("\n");
    writeFileSync(SEEN_FILE, `${record}\n`);
    console.log(`\nWhat the browser showed (${SEEN_FILE}):\n${record}`);
  };
}
