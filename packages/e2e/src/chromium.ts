// Which Chromium the browser tests drive, and how it is started. Playwright's
// own browser download is not reachable on every machine, so a Chromium that
// is already installed comes first: CHROMIUM_PATH, then the usual names on the
// PATH (Debian's package `chromium` installs /usr/bin/chromium), on macOS the
// Chromium or Chrome app, then the one `npx playwright install chromium`
// downloads, where a reader has it.
import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";
import { chromium, type Browser } from "playwright-core";

/** Names a Chromium (or Chrome) goes by on the PATH, Debian's first. */
const NAMES = ["chromium", "chromium-browser", "google-chrome-stable", "google-chrome", "chrome"];

/** Where macOS keeps them: apps are not on the PATH there. */
const MACOS_APPS = [
  "/Applications/Chromium.app/Contents/MacOS/Chromium",
  "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
];

/** How to give the tests a browser. */
export const HOW_TO_INSTALL =
  "Install one (Debian/Ubuntu: `sudo apt-get install chromium`) or set CHROMIUM_PATH to a Chromium or Chrome " +
  "executable, then run `pnpm test` again.";

/** The one line printed when no browser is found, and the tests are skipped. */
export const HOW_TO_ENABLE = `browser tests skipped: no Chromium found. ${HOW_TO_INSTALL}`;

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The Chromium to drive: an absolute path, or `undefined` when there is none.
 *
 * @throws Error when CHROMIUM_PATH is set but names no executable file: a
 *   reader who set it wants those tests, so it is an error, not a skip.
 */
export function findChromium(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string | undefined {
  const chosen = env.CHROMIUM_PATH;
  if (chosen) {
    if (!executable(chosen)) throw new Error(`CHROMIUM_PATH=${chosen}: not an executable file`);
    return chosen;
  }
  for (const dir of (env.PATH ?? "").split(delimiter).filter(Boolean)) {
    for (const name of NAMES) {
      const path = join(dir, name);
      if (executable(path)) return path;
    }
  }
  if (platform === "darwin") {
    const app = MACOS_APPS.find(executable);
    if (app) return app;
  }
  const downloaded = chromium.executablePath();
  return executable(downloaded) ? downloaded : undefined;
}

/** Where the browser tests stand on this machine: a Chromium to drive, a reason they must fail, or neither (skip). */
export type Located = { readonly path: string } | { readonly error: string } | { readonly skip: string };

/**
 * `findChromium`, decided: without a browser the tests are skipped, unless
 * the run needs one (`E2E_REQUIRE_BROWSER=1` in CI, `E2E_SCREENSHOTS=1` in
 * `pnpm screenshots`): then, as for a bad CHROMIUM_PATH, they fail, each
 * with the one line that says why.
 */
export function locateChromium(env: NodeJS.ProcessEnv = process.env): Located {
  let path: string | undefined;
  try {
    path = findChromium(env);
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
  if (path) return { path };
  if (env.E2E_REQUIRE_BROWSER === "1" || env.E2E_SCREENSHOTS === "1") {
    return { error: `no Chromium found, and this run needs one. ${HOW_TO_INSTALL}` };
  }
  return { skip: HOW_TO_ENABLE };
}

/**
 * Chromium's switches for a machine with no internet: without the
 * background-networking ones, Chromium keeps trying to reach its own services
 * at start-up. Playwright adds `--headless` and, unless asked for a sandbox,
 * `--no-sandbox` (needed when the tests run as root, as CI does).
 */
const ARGS = [
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** Start headless Chromium at `executablePath`; the caller closes it. */
export function launch(executablePath: string): Promise<Browser> {
  return chromium.launch({ executablePath, args: ARGS, timeout: 60_000 });
}
