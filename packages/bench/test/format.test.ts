// How the bench writes its numbers: one module, the same figure the same way everywhere.
import { describe, expect, it } from "vitest";
import { NOT_MEASURED, clock, mb, ms, perSecond, times, us, whole } from "../src/format.ts";

describe("format", () => {
  it("writes counts and rates whole, with thousands separators", () => {
    expect(whole(4325.4)).toBe("4,325");
    expect(whole(12)).toBe("12");
    expect(perSecond(4325.6)).toBe("4,326 req/s");
    expect(perSecond(7711, "jobs/s")).toBe("7,711 jobs/s");
  });

  it("writes durations with as many digits as matter", () => {
    expect(ms(1006.2)).toBe("1,006 ms");
    expect(ms(502.4)).toBe("502 ms");
    expect(ms(18.74)).toBe("18.7 ms");
    expect(ms(1.894)).toBe("1.89 ms");
    expect(us(94000)).toBe("94,000 µs");
    expect(us(412.3)).toBe("412 µs");
    expect(us(96.44)).toBe("96.4 µs");
    expect(us(null)).toBe(NOT_MEASURED);
  });

  it("writes megabytes whole from 100 up, else to a tenth", () => {
    expect(mb(1207)).toBe("1,207 MB");
    expect(mb(410.4)).toBe("410 MB");
    expect(mb(121)).toBe("121 MB");
    expect(mb(21.44)).toBe("21.4 MB");
    expect(mb(64)).toBe("64 MB");
    expect(mb(null)).toBe(NOT_MEASURED);
    expect(mb(null, "–")).toBe("–");
  });

  it("writes ratios to two decimals, and a tiny one to two significant digits", () => {
    expect(times(1)).toBe("1.00×");
    expect(times(0.554)).toBe("0.55×");
    expect(times(0.01234)).toBe("0.012×");
  });

  it("writes elapsed seconds as a clock", () => {
    expect(clock(7.4)).toBe("0:07");
    expect(clock(118)).toBe("1:58");
    expect(clock(720)).toBe("12:00");
  });
});
