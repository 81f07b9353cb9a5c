// The stages as the browser tests start them: each from its own folder, as
// `pnpm --filter <stage> start` does, on 127.0.0.1 and a free port.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startStage, type RunningStage } from "testkit";

/** The folder of the workspace package `stage` (`01-listen`, …). */
export const stageDir = (stage: string): string => fileURLToPath(new URL(`../../${stage}/`, import.meta.url));

/**
 * `stage` running as a real process (`script`: `src/2018/main.ts` for a 2018
 * form); stop it with `await using`, also when the test failed.
 */
export async function runStage(
  stage: string,
  env: Record<string, string> = {},
  script = "src/main.ts",
): Promise<RunningStage & AsyncDisposable & { readonly url: string }> {
  const running = await startStage(stageDir(stage), env, script);
  return Object.assign(running, {
    url: `http://127.0.0.1:${running.port}`,
    [Symbol.asyncDispose]: () => running.stop(),
  });
}

/** The `<h1>` and `<p>` text of a page the stage serves (`hello.html`, `404.html`), as a browser renders it. */
export function pageText(stage: string, file: string): { readonly heading: string; readonly paragraph: string } {
  const html = readFileSync(join(stageDir(stage), file), "utf8");
  const element = (tag: string): string => {
    const text = new RegExp(`<${tag}>([^<]*)</${tag}>`).exec(html)?.[1];
    if (text === undefined) throw new Error(`${stage}/${file}: no <${tag}>`);
    return text;
  };
  return { heading: element("h1"), paragraph: element("p") };
}
