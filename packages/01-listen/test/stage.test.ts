import { expect, it } from "vitest";
import { describeRobustness, exchange, useStage, type RunningStage } from "testkit";

const stage = useStage(import.meta.url);

const established = (stdout: string): number => stdout.match(/^Connection established!$/gm)?.length ?? 0;

/** Connect, send nothing, and expect the server to close with no bytes. */
async function connectOnce(): Promise<void> {
  const reply = await exchange(stage().port, "");
  expect(reply.bytes.length).toBe(0);
  expect(reply.ending).toBe("end");
}

it("prints one `Connection established!` per connection", async () => {
  const before = established(stage().stdout());
  for (let i = 0; i < 3; i++) await connectOnce();
  await stage().waitUntil((out) => established(out) >= before + 3);
  expect(established(stage().stdout())).toBe(before + 3);
});

it("closes the connection without writing anything", async () => {
  await connectOnce();
});

describeRobustness(stage, {
  refusal: "closes",
  probe: async (running: RunningStage) => {
    const before = established(running.stdout());
    await connectOnce();
    await running.waitUntil((out) => established(out) > before);
  },
});
