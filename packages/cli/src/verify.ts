// `pnpm verify <stage> -- <command> [args…]`: start the reader's own server
// (Rust, TypeScript, anything) with that command, check the book's claims
// for that stage against it, stop it, and print a checklist.
//
// The claims are testkit's (packages/testkit/src/claims), the same ones the
// project's own stage tests check. No probe connection is ever made: the
// book's programs see every connection (a line at 01, one of the two at 10,
// a panic on an empty one), so the verifier learns that the server listens
// from a URL it prints, or from the OS's socket table (/proc/net/tcp, Linux
// and WSL), or else (macOS) by retrying its first real request while the
// connection is refused, which the server never sees.
import { spawn } from "node:child_process";
import { existsSync, readFileSync, readdirSync, readlinkSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { ADVICE_CLAIMS, BOOK_CLAIMS, checkClaims, makeTarget, type Outcome, type ServerOutput } from "testkit/claims";
import { watchOutput } from "testkit/process";
import { listStages, resolveStage } from "./stages.ts";

const USAGE = `usage: pnpm verify <stage> [options] -- <command> [args…]
       pnpm verify <stage> [options] --url http://127.0.0.1:7878

Starts your server with <command>, checks what the book says the stage does,
stops the server, and prints a checklist. Exit 0: every claim holds; 1: one
does not; 2: a usage error.

  <stage>          5, 05 or 05-validate-request, as for \`pnpm start\`
  --port N         the port your server listens on (default 7878, the book's)
  --cwd DIR        where to run it (default: where you ran pnpm), since the
                   book's programs read hello.html from there
  --sleep-ms N     how long your /sleep sleeps (default 5000, the book's)
  --strict         also report advice beyond the book (bad input); never a failure
  --start-timeout S  how long to wait for it to listen (default 120: cargo
                   may compile first)
  --url URL        check a server that is already running (claims about
                   what it prints are then skipped)

  for example: pnpm verify 05 -- cargo run --release
               pnpm verify 05 -- node src/main.ts
`;

interface Options {
  stage: string;
  command: string[];
  port: number;
  cwd: string;
  sleepMs: number;
  strict: boolean;
  startTimeoutMs: number;
  url?: URL;
}

type Parsed = { ok: true; options: Options } | { ok: false; message: string; help?: boolean };

const packages = fileURLToPath(new URL("../..", import.meta.url));

function parseArgs(argv: readonly string[], env: NodeJS.ProcessEnv): Parsed {
  const args = [...argv];
  if (args[0] === "--") args.shift(); // `pnpm verify -- 05 …`: pnpm may pass its `--` on
  const positional: string[] = [];
  let command: string[] = [];
  let port = 7878;
  let cwd = env.INIT_CWD || process.cwd();
  let sleepMs = 5_000;
  let strict = false;
  let startTimeoutMs = 120_000;
  let url: URL | undefined;
  const number = (flag: string, raw: string | undefined, min: number, max: number): number => {
    const value = Number(raw);
    if (raw === undefined || !/^\d+$/.test(raw) || value < min || value > max) {
      throw new Error(`${flag} takes a whole number from ${min} to ${max}, got ${JSON.stringify(raw ?? "")}`);
    }
    return value;
  };
  try {
    while (args.length > 0) {
      const arg = args.shift() ?? "";
      if (arg === "--") command = args.splice(0);
      else if (arg === "-h" || arg === "--help") return { ok: false, message: "", help: true };
      else if (arg === "--port") port = number(arg, args.shift(), 1, 65_535);
      else if (arg === "--cwd") cwd = resolve(env.INIT_CWD || process.cwd(), args.shift() ?? "");
      else if (arg === "--sleep-ms") sleepMs = number(arg, args.shift(), 1, 600_000);
      else if (arg === "--start-timeout") startTimeoutMs = number(arg, args.shift(), 1, 3_600) * 1_000;
      else if (arg === "--strict") strict = true;
      else if (arg === "--url") {
        const raw = args.shift() ?? "";
        url = new URL(raw);
        if (url.protocol !== "http:") throw new Error(`--url takes an http:// URL, got ${JSON.stringify(raw)}`);
      } else if (arg.startsWith("--")) throw new Error(`unknown option ${arg}`);
      else if (positional.length === 0) positional.push(arg);
      else command = [arg, ...args.splice(0)]; // the command starts at the second word
    }
  } catch (error) {
    return { ok: false, message: (error as Error).message };
  }
  const choice = resolveStage(positional, listStages(packages));
  if (!choice.ok) return { ok: false, message: choice.message };
  if (url && command.length > 0) return { ok: false, message: "give either a command or --url, not both" };
  if (!url && command.length === 0)
    return { ok: false, message: "no command given: put it after --, e.g. -- cargo run" };
  if (!url && !(existsSync(cwd) && statSync(cwd).isDirectory())) {
    return { ok: false, message: `--cwd ${JSON.stringify(cwd)} is not a directory` };
  }
  return { ok: true, options: { stage: choice.stage, command, port, cwd, sleepMs, strict, startTimeoutMs, url } };
}

/**
 * Local addresses, as /proc/net/tcp{,6} write them, on which a listener
 * takes a connection to 127.0.0.1: 127.0.0.1, 0.0.0.0, :: (dual-stack) and
 * ::ffff:127.0.0.1. A server on ::1 alone ("localhost" on some systems) is
 * not among them, and 127.0.0.1 gets no answer from it.
 */
const REACHED_FROM_127 = new Set([
  "0100007F",
  "00000000",
  "00000000000000000000000000000000",
  "0000000000000000FFFF00000100007F",
]);

/** Ports in the LISTEN state (0A) on an address 127.0.0.1 reaches, or undefined where there is no socket table (macOS). */
function listeningPorts(env: NodeJS.ProcessEnv): Set<number> | undefined {
  if (env.VERIFY_NO_SOCKET_TABLE === "1") return undefined; // to try the fallback where /proc exists
  const files = ["/proc/net/tcp", "/proc/net/tcp6"].filter((file) => existsSync(file));
  if (files.length === 0) return undefined;
  const ports = new Set<number>();
  for (const file of files) {
    for (const line of readFileSync(file, "utf8").split("\n").slice(1)) {
      const [, local, , state] = line.trim().split(/\s+/);
      if (state !== "0A" || !local) continue;
      const [address = "", port = ""] = local.split(":");
      if (!REACHED_FROM_127.has(address)) continue; // ::1 alone, or another address
      ports.add(Number.parseInt(port, 16));
    }
  }
  return ports;
}

/**
 * The ports on which the processes of group `pgid` listen (Linux: their
 * socket inodes in /proc/<pid>/fd, found in the socket table), to say where
 * a server listens when it is not where we wait. Empty where that cannot be seen.
 */
function groupListeningPorts(pgid: number): number[] {
  const inodes = new Set<string>();
  try {
    for (const pid of readdirSync("/proc")) {
      if (!/^\d+$/.test(pid)) continue;
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
        const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
        if (Number(fields[2]) !== pgid) continue; // field 5, the process group
        for (const fd of readdirSync(`/proc/${pid}/fd`)) {
          const link = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
          if (link?.[1]) inodes.add(link[1]);
        }
      } catch {
        // gone, or not ours to read
      }
    }
    const ports = new Set<number>();
    for (const file of ["/proc/net/tcp", "/proc/net/tcp6"]) {
      if (!existsSync(file)) continue;
      for (const line of readFileSync(file, "utf8").split("\n").slice(1)) {
        const fields = line.trim().split(/\s+/);
        const [local, state, inode] = [fields[1], fields[3], fields[9]];
        if (state === "0A" && local && inode && inodes.has(inode)) {
          ports.add(Number.parseInt(local.slice(local.lastIndexOf(":") + 1), 16));
        }
      }
    }
    return [...ports];
  } catch {
    return [];
  }
}

const sleep = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms));
const PRINTED_URL = /https?:\/\/(?:127\.0\.0\.1|localhost|0\.0\.0\.0|\[::1\]):(\d+)/;

function print(line = ""): void {
  process.stdout.write(`${line}\n`);
}

function report(outcome: Outcome): void {
  const mark = outcome.status === "pass" ? "✓" : outcome.status === "skip" ? "–" : outcome.claim.advice ? "!" : "✗";
  print(`${mark} ${outcome.claim.says}${outcome.status === "skip" ? ` (skipped: ${outcome.reason})` : ""}`);
  const verdict = outcome.verdict;
  if (outcome.status === "fail" && verdict) {
    if (verdict.sent) print(`    sent: ${verdict.sent}`);
    if (verdict.got) print(`    got:  ${verdict.got}`);
    if (verdict.hint) print(`    hint: ${verdict.hint}`);
  }
}

/** Stop the whole process group (cargo run's child too): TERM, then KILL after a bound. */
async function stopGroup(pgid: number, output: ServerOutput): Promise<void> {
  // -0 would be our own group: pnpm, the reader's shell script, all of it.
  if (!(pgid > 0)) throw new Error(`not a process group of the server's: ${pgid}`);
  const signal = (name: NodeJS.Signals): void => {
    try {
      process.kill(-pgid, name);
    } catch {
      // the group is gone already
    }
  };
  signal("SIGTERM");
  const ended = await Promise.race([output.exited.then(() => true), sleep(3_000).then(() => false)]);
  if (!ended) signal("SIGKILL");
  else signal("SIGKILL"); // anything of the group left behind (cargo's child)
  await Promise.race([output.exited, sleep(3_000)]);
}

async function main(): Promise<number> {
  const parsed = parseArgs(process.argv.slice(2), process.env);
  if (!parsed.ok) {
    if (parsed.help) {
      process.stdout.write(USAGE);
      return 0;
    }
    process.stderr.write(`error: ${parsed.message}\n\n${USAGE}`);
    return 2;
  }
  const options = parsed.options;
  const number = options.stage.slice(0, 2);
  const claims = [...(BOOK_CLAIMS[number] ?? [])];
  const advice = options.strict && number !== "10" ? ADVICE_CLAIMS : [];
  const progress = (line: string): void => print(`  … ${line}`);
  const noAdvice = (): void => {
    if (options.strict && number === "10")
      progress("--strict gives no advice at stage 10: its requests would use up the two connections it takes");
  };

  if (options.url) {
    const port = Number(options.url.port || 80);
    print(`Checking ${options.stage} against ${options.url.origin} (already running)`);
    noAdvice();
    const target = makeTarget({ host: options.url.hostname, port: () => port, sleepMs: options.sleepMs, progress });
    return finish(await checkClaims(claims, target, report), advice, target);
  }

  const before = listeningPorts(process.env);
  // Something else holds the port already: only a printed URL can tell that ours listens.
  const taken = before?.has(options.port) === true;
  print(`Checking ${options.stage} against \`${options.command.join(" ")}\` in ${options.cwd}`);
  noAdvice();
  if (taken) print(`  … port ${options.port} was taken before your server started: waiting for it to print its URL`);
  const child = spawn(options.command[0] ?? "", options.command.slice(1), {
    cwd: options.cwd,
    detached: true, // a process group of its own, to stop cargo and its child together
    stdio: ["ignore", "pipe", "pipe"],
  });
  const spawnError = new Promise<Error>((done) => child.once("error", done));
  const output = watchOutput(child);
  const pgid = child.pid;
  const stopOnExit = (): void => {
    if (pgid) {
      try {
        process.kill(-pgid, "SIGKILL");
      } catch {}
    }
  };
  process.once("exit", stopOnExit);
  // Ctrl+C, a kill, or the terminal closing (SIGHUP): the server goes too; the shell's code for the signal.
  for (const [name, code] of [
    ["SIGINT", 130],
    ["SIGTERM", 143],
    ["SIGHUP", 129],
  ] as const) {
    process.once(name, () => {
      stopOnExit();
      process.exit(code);
    });
  }

  // Where it listens: a printed URL, else the socket table, else (no table) the book's port, retrying refusals.
  let port = options.port;
  const printed = (): number | undefined => {
    const match = PRINTED_URL.exec(output.stdout());
    return match ? Number(match[1]) : undefined;
  };
  const started = Date.now();
  const deadline = started + options.startTimeoutMs;
  let nextProgress = started + 10_000; // a line every 10 s, so that a long compile is not taken for a hang
  let how = "";
  for (let wait = 20; ; wait = Math.min(wait * 2, 250)) {
    if (Date.now() >= nextProgress) {
      nextProgress += 10_000;
      progress(
        `waiting for it to listen (${Math.round((Date.now() - started) / 1000)} s; cargo may still be compiling)`,
      );
    }
    const url = printed();
    if (url !== undefined) {
      port = url;
      how = "the URL it printed";
      break;
    }
    const table = listeningPorts(process.env);
    if (table === undefined) {
      how = "no socket table here: the first request retries until the port accepts";
      break;
    }
    // Ours, not another program's that started meanwhile: the port is one our process group listens on.
    if (table.has(options.port) && !taken && pgid !== undefined && groupListeningPorts(pgid).includes(options.port)) {
      how = "the socket table";
      break;
    }
    const failed = await Promise.race([spawnError, sleep(wait).then(() => undefined)]);
    if (failed || !output.running() || Date.now() > deadline) {
      const elsewhere = pgid === undefined ? [] : groupListeningPorts(pgid);
      if (failed) print(`✗ the command could not start: ${failed.message}`);
      else if (!output.running()) {
        const end = await output.exited;
        print(
          `✗ the server exited (code ${end.code}${end.signal ? `, signal ${end.signal}` : ""}) before listening on 127.0.0.1:${options.port}`,
        );
        const tail = output.stderr().trim().split("\n").slice(-5).join("\n      ");
        if (tail) print(`    its stderr ended: ${tail}`);
        print("    hint: run the command yourself to see why; is hello.html where it runs (--cwd)?");
      } else {
        print(`✗ nothing listened on 127.0.0.1:${options.port} within ${options.startTimeoutMs / 1000} s`);
        print(
          elsewhere.includes(options.port)
            ? `    hint: your server listens on port ${options.port}, but not where 127.0.0.1 reaches it (only on ::1, "localhost"?): bind "127.0.0.1:${options.port}" as the book does`
            : elsewhere.length > 0
              ? `    hint: your server listens on port ${elsewhere.join(", ")}: pass --port ${elsewhere[0]}, or bind 127.0.0.1:${options.port} as the book does`
              : taken
                ? `    hint: another program held port ${options.port} before yours started; stop it, or use --port`
                : `    hint: the book binds "127.0.0.1:7878"; pass --port if yours is another, or --start-timeout if it takes longer to start`,
        );
      }
      if (pgid !== undefined) await stopGroup(pgid, output);
      return 1;
    }
  }
  print(`Listening on 127.0.0.1:${port} (found by ${how})`);
  const target = makeTarget({
    port: () => printed() ?? port,
    output,
    sleepMs: options.sleepMs,
    progress,
    retryRefusedUntil: () => deadline,
  });
  const outcomes = await checkClaims(claims, target, report);
  let crashed = false;
  // A failed claim may be a crash: give the process a moment to be seen gone.
  if (outcomes.some((outcome) => outcome.status === "fail")) await Promise.race([output.exited, sleep(1_000)]);
  if (number !== "10" && !output.running()) {
    // Stage 10 stops by itself; any other stopping is a crash, said plainly.
    const end = await output.exited;
    crashed = true;
    print(
      `✗ the server stopped during the checks (exit code ${end.code}${end.signal ? `, signal ${end.signal}` : ""})`,
    );
    const tail = output.stderr().trim().split("\n").slice(-5).join("\n      ");
    if (tail) print(`    its stderr ended: ${tail}`);
    print("    hint: a panic? the book's `unwrap()`s stop the server on the first request they do not expect");
  }
  const code = (await finish(outcomes, advice, target)) || (crashed ? 1 : 0);
  if (pgid) await stopGroup(pgid, output);
  return code;
}

async function finish(
  outcomes: Outcome[],
  advice: readonly (typeof ADVICE_CLAIMS)[number][],
  target: ReturnType<typeof makeTarget>,
): Promise<number> {
  if (advice.length > 0) {
    print("Beyond the book (advice, never a failure):");
    await checkClaims(advice, target, report);
  }
  const held = outcomes.filter((outcome) => outcome.status === "pass").length;
  const failed = outcomes.filter((outcome) => outcome.status === "fail").length;
  const skipped = outcomes.filter((outcome) => outcome.status === "skip").length;
  print();
  print(
    `${held} of ${outcomes.length - skipped} claims hold${skipped ? `, ${skipped} skipped` : ""}; ${target.connections} connection${target.connections === 1 ? "" : "s"} opened`,
  );
  return failed === 0 ? 0 : 1;
}

// A reader's `| head` closes the pipe early: stop (the 'exit' handler stops the server), no stack trace.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code !== "EPIPE") throw error;
  process.exit(1);
});
process.exitCode = await main();
// Our own sockets and timers must not keep us: the server is stopped.
setTimeout(() => process.exit(), 100).unref();
