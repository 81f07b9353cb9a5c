// What `pnpm stage:diff` compares and how it prints it: the files of two
// stages, matched by their path inside the stage, as one unified diff in
// git's format, made by jsdiff (the `diff` package), so that no git is needed.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { styleText } from "node:util";
import { formatPatch, type StructuredPatch, structuredPatch } from "diff";

/** Folders of a stage that hold no source of the lesson: installs, tests, tool output, dot folders. */
const SKIPPED_DIRS = new Set(["node_modules", "test", "test-results", "coverage"]);

/** Lines of context around each change, as `diff -u` and git have it. */
const CONTEXT = 3;

/** The folder under `src/` that holds a stage's 2018-edition form (stages 02 and 10). */
const EDITION_2018 = "src/2018/";

/** What `pnpm stage:diff` compares: pages or not, and which edition's form of a stage. */
export interface DiffOptions {
  readonly pages: boolean;
  /** `true`: a stage's `src/2018/` files stand in for the `src/` files of the same name. */
  readonly edition2018?: boolean;
}

/**
 * The files of `stageDir` that `pnpm stage:diff` compares: a map from the
 * path shown (relative to the stage, with `/`, sorted) to the file's path
 * relative to the stage. Every file under `src/` (at any depth) but pages
 * and the 2018 edition's `src/2018/`; with `pages`, every `*.html` in the
 * stage too (hello.html, 404.html). With `edition2018`, the stage as the
 * 2018 edition has it: `src/2018/main.ts` is shown as `src/main.ts` in place
 * of the stage's own, and a `src/` file without a 2018 twin stays. Never
 * anything under node_modules, test/, test-results/, coverage/ or a dot
 * folder, nor README.md, package.json and the like.
 */
export function stageFiles(stageDir: string, options: DiffOptions): Map<string, string> {
  const found: string[] = [];
  const walk = (relative: string): void => {
    for (const entry of readdirSync(join(stageDir, relative), { withFileTypes: true })) {
      const path = relative === "" ? entry.name : `${relative}/${entry.name}`;
      if (entry.isDirectory()) {
        if (!entry.name.startsWith(".") && !SKIPPED_DIRS.has(entry.name)) walk(path);
      } else if (entry.isFile()) {
        const page = entry.name.endsWith(".html");
        if (page ? options.pages : path.startsWith("src/")) found.push(path);
      }
    }
  };
  walk("");
  const files = new Map<string, string>();
  for (const path of found.sort()) if (!path.startsWith(EDITION_2018)) files.set(path, path);
  if (options.edition2018) {
    for (const path of found)
      if (path.startsWith(EDITION_2018)) files.set(`src/${path.slice(EDITION_2018.length)}`, path);
  }
  return new Map([...files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/**
 * The unified diff from stage `from` to stage `to` (folder names under
 * `packagesDir`), in git's format: `a/<from>/src/main.ts` against
 * `b/<to>/src/main.ts`, a file only in `to` as a new file, one only in
 * `from` as a deleted file. Empty when the compared files are the same.
 */
export function diffStages(packagesDir: string, from: string, to: string, options: DiffOptions): string {
  const oldFiles = stageFiles(join(packagesDir, from), options);
  const newFiles = stageFiles(join(packagesDir, to), options);
  const paths = [...new Set([...oldFiles.keys(), ...newFiles.keys()])].sort();
  const read = (stage: string, file: string | undefined): string | undefined =>
    file === undefined ? undefined : readFileSync(join(packagesDir, stage, file), "utf8");
  let out = "";
  for (const path of paths) {
    const oldText = read(from, oldFiles.get(path));
    const newText = read(to, newFiles.get(path));
    if (oldText === newText) continue;
    const oldName = oldText === undefined ? "/dev/null" : `a/${from}/${oldFiles.get(path)}`;
    const newName = newText === undefined ? "/dev/null" : `b/${to}/${newFiles.get(path)}`;
    const binary = oldText?.includes("\0") || newText?.includes("\0");
    const patch: StructuredPatch = {
      ...(binary
        ? { oldFileName: oldName, newFileName: newName, oldHeader: undefined, newHeader: undefined, hunks: [] }
        : structuredPatch(oldName, newName, oldText ?? "", newText ?? "", undefined, undefined, { context: CONTEXT })),
      isGit: true,
      isCreate: oldText === undefined,
      isDelete: newText === undefined,
    };
    out += formatPatch(patch);
    if (binary) out += `Binary files ${oldName} and ${newName} differ\n`;
  }
  return out;
}

/**
 * `patch` (from diffStages) coloured as git colours a diff, when `stream`
 * is a terminal and NO_COLOR is unset, or FORCE_COLOR is set: file headers
 * bold, hunk headers cyan, removed lines red, added lines green. Otherwise
 * it is returned as it is (node:util styleText decides, for `stream`).
 */
export function colourDiff(patch: string, stream: NodeJS.WritableStream = process.stdout): string {
  const style = (format: Parameters<typeof styleText>[0], line: string): string => styleText(format, line, { stream });
  let inHunks = false; // past a file's headers: every line is a hunk header or starts with " ", "-", "+" or "\"
  return patch
    .split(/(?<=\n)/)
    .map((line) => {
      if (line.startsWith("diff --git ")) inHunks = false;
      const text = line.endsWith("\n") ? line.slice(0, -1) : line;
      const end = line.slice(text.length);
      if (text.startsWith("@@ ")) inHunks = true;
      if (!inHunks) return style("bold", text) + end;
      if (text.startsWith("@@ ")) return style("cyan", text) + end;
      if (text.startsWith("-")) return style("red", text) + end;
      if (text.startsWith("+")) return style("green", text) + end;
      return line;
    })
    .join("");
}
