// The book's listings, step by step, in the three editions readers hold: the
// one table that the READMEs, the stages' comments and docs/editions.md are
// tested against (packages/cli/test/editions.test.ts). Checked against the
// book's own repository; docs/editions.md names the commits and paths.

/**
 * An edition of the book. "2018" stands for the 2018 edition and for the
 * Russian print that translates it («Язык программирования Rust»): the same
 * chapter 20, the same listings.
 */
export type Edition = "2018" | "2021" | "2024";

export const EDITIONS: readonly Edition[] = ["2018", "2021", "2024"];

/** The chapter "Building a Multithreaded Web Server" is in each edition. */
export const CHAPTER: Readonly<Record<Edition, number>> = { "2018": 20, "2021": 20, "2024": 21 };

/** One listing of the chapter, with its number in each edition that has it. */
export interface Step {
  /** The stage that shows this step. */
  readonly stage: string;
  /** What the listing does, in a few words. */
  readonly about: string;
  /** Its number (`20-21`) in each edition that has it; an edition without it is absent. */
  readonly listing: Readonly<Partial<Record<Edition, string>>>;
}

/** The same listing under the same number, `n`, in all three editions. */
function everywhere(n: number): Step["listing"] {
  return { "2018": `20-${n}`, "2021": `20-${n}`, "2024": `21-${n}` };
}

/** Every listing of the chapter, in the book's order. */
export const STEPS: readonly Step[] = [
  { stage: "01-listen", about: "listen and print for every connection", listing: everywhere(1) },
  { stage: "02-read-request", about: "read the request and print it", listing: everywhere(2) },
  { stage: "03-write-response", about: "write a tiny successful response", listing: everywhere(3) },
  { stage: "04-return-html", about: "hello.html", listing: everywhere(4) },
  { stage: "04-return-html", about: "send hello.html as the body", listing: everywhere(5) },
  { stage: "05-validate-request", about: "handle / differently from other requests", listing: everywhere(6) },
  { stage: "05-validate-request", about: "404 and an error page", listing: everywhere(7) },
  { stage: "05-validate-request", about: "404.html", listing: everywhere(8) },
  { stage: "06-refactor", about: "the if and else keep only what differs", listing: everywhere(9) },
  { stage: "07-slow-request", about: "/sleep sleeps for 5 seconds", listing: everywhere(10) },
  { stage: "08-thread-per-request", about: "a thread for each stream", listing: everywhere(11) },
  { stage: "09-thread-pool", about: "the ideal ThreadPool interface", listing: everywhere(12) },
  { stage: "09-thread-pool", about: "ThreadPool::new panics on 0", listing: everywhere(13) },
  { stage: "09-thread-pool", about: "a vector for the threads", listing: everywhere(14) },
  { stage: "09-thread-pool", about: "Worker instead of threads", listing: everywhere(15) },
  { stage: "09-thread-pool", about: "the channel's sender in ThreadPool", listing: everywhere(16) },
  { stage: "09-thread-pool", about: "the receiver passed to the workers", listing: everywhere(17) },
  { stage: "09-thread-pool", about: "the receiver shared with Arc and Mutex", listing: everywhere(18) },
  { stage: "09-thread-pool", about: "type Job and execute sending it", listing: everywhere(19) },
  { stage: "09-thread-pool", about: "the worker's loop receiving and running jobs", listing: everywhere(20) },
  { stage: "09-thread-pool", about: "the FnBox trait, a workaround for Box<FnOnce()>", listing: { "2018": "20-21" } },
  {
    stage: "09-thread-pool",
    about: "the while let alternative that the book rejects",
    listing: { "2018": "20-22", "2021": "20-21", "2024": "21-21" },
  },
  {
    stage: "10-graceful-shutdown",
    about: "Drop joins each thread",
    listing: { "2018": "20-23", "2021": "20-22", "2024": "21-22" },
  },
  {
    stage: "10-graceful-shutdown",
    about: "enum Message, and the worker's loop ending on Message::Terminate",
    listing: { "2018": "20-24" },
  },
  {
    stage: "10-graceful-shutdown",
    about: "Drop sends Message::Terminate to every worker before joining",
    listing: { "2018": "20-25" },
  },
  {
    stage: "10-graceful-shutdown",
    about: "Drop drops the sender before joining",
    listing: { "2021": "20-23", "2024": "21-23" },
  },
  {
    stage: "10-graceful-shutdown",
    about: "the worker's loop ending when recv returns an error",
    listing: { "2021": "20-24", "2024": "21-24" },
  },
  {
    stage: "10-graceful-shutdown",
    about: "take(2): shut down after two requests",
    listing: { "2018": "20-26", "2021": "20-25", "2024": "21-25" },
  },
];

/** The numbers of the listings that `stage` shows in `edition`, in order. */
export function stageListings(stage: string, edition: Edition): string[] {
  return STEPS.filter((step) => step.stage === stage).flatMap((step) => step.listing[edition] ?? []);
}

/** The step that `listing` (`20-21`) is in `edition`, if that edition has such a listing. */
export function stepOf(listing: string, edition: Edition): Step | undefined {
  return STEPS.find((step) => step.listing[edition] === listing);
}

/**
 * Listings as a reader sees them written: `20-1`, `20-4, 20-5`, or a run of
 * three or more as `20-12 … 20-22`.
 */
export function formatListings(listings: readonly string[]): string {
  const parts: string[] = [];
  let run: string[] = [];
  const flush = () => {
    const first = run[0];
    const last = run.at(-1);
    if (first !== undefined && last !== undefined) parts.push(run.length >= 3 ? `${first} … ${last}` : run.join(", "));
    run = [];
  };
  for (const listing of listings) {
    const previous = run.at(-1);
    if (previous !== undefined && !follows(previous, listing)) flush();
    run.push(listing);
  }
  flush();
  return parts.join(", ");
}

function follows(previous: string, next: string): boolean {
  const [a, b] = [previous.split("-"), next.split("-")];
  return a[0] === b[0] && Number(a[1]) + 1 === Number(b[1]);
}
