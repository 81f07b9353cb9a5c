import { describe, expect, it } from "vitest";
import { addressFromEnv, intSetting, urlOf, StartupError } from "../src/index.ts";

describe("addressFromEnv", () => {
  it("defaults to the book's 127.0.0.1:7878", () => {
    expect(addressFromEnv({})).toEqual({ host: "127.0.0.1", port: 7878 });
    expect(addressFromEnv({ HOST: "", PORT: "" })).toEqual({ host: "127.0.0.1", port: 7878 });
  });

  it("takes HOST and PORT, and PORT=0 for any free port", () => {
    expect(addressFromEnv({ HOST: "localhost", PORT: "8080" })).toEqual({ host: "localhost", port: 8080 });
    expect(addressFromEnv({ HOST: "::1", PORT: "0" })).toEqual({ host: "::1", port: 0 });
  });

  it.each(["abc", "-1", "65536", "1.5", "80x", "0x50", "1e3"])("refuses PORT=%j with a message naming PORT", (port) => {
    expect(() => addressFromEnv({ PORT: port })).toThrow(StartupError);
    expect(() => addressFromEnv({ PORT: port })).toThrow(/^PORT must be a whole number from 0 to 65535, got /);
  });

  it.each(["not a host", "http://127.0.0.1", "-bad-", "a..b"])("refuses HOST=%j with a message naming HOST", (host) => {
    expect(() => addressFromEnv({ HOST: host })).toThrow(/^HOST must be an IP address or a host name/);
  });
});

describe("intSetting", () => {
  const range = { min: 1, max: 64 };
  it("gives the default when unset and the value when valid", () => {
    expect(intSetting({}, "POOL_SIZE", 4, range)).toBe(4);
    expect(intSetting({ POOL_SIZE: " 8 " }, "POOL_SIZE", 4, range)).toBe(8);
  });
  it("refuses a value out of range instead of falling back to the default", () => {
    expect(() => intSetting({ POOL_SIZE: "0" }, "POOL_SIZE", 4, range)).toThrow(
      'POOL_SIZE must be a whole number from 1 to 64, got "0"',
    );
  });
});

describe("urlOf", () => {
  it("brackets IPv6 addresses", () => {
    expect(urlOf({ host: "127.0.0.1", port: 7878 })).toBe("http://127.0.0.1:7878");
    expect(urlOf({ host: "::1", port: 7878 })).toBe("http://[::1]:7878");
  });
});
