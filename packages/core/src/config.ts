// Settings come from the environment, with the same names in every stage
// (see the root README). A value that is not valid for its setting is an
// error that names the variable; it is never silently replaced by the default.

import { isIP } from "node:net";
import { StartupError } from "./fatal.ts";

export type Env = Readonly<Record<string, string | undefined>>;

/** Where a server listens. */
export interface Address {
  readonly host: string;
  readonly port: number;
}

/** The book's address. */
const DEFAULT_ADDRESS: Address = { host: "127.0.0.1", port: 7878 };

/**
 * Read a whole-number setting from the environment: `fallback` when the
 * variable is unset or empty, otherwise an integer in `[min, max]` written in
 * plain decimal digits, or a StartupError that names the variable.
 */
export function intSetting(env: Env, name: string, fallback: number, range: { min: number; max: number }): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === "") return fallback;
  const text = raw.trim();
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < range.min || value > range.max) {
    throw new StartupError(
      `${name} must be a whole number from ${range.min} to ${range.max}, got ${JSON.stringify(raw)}`,
    );
  }
  return value;
}

// A DNS name: dot-separated labels of letters, digits and inner hyphens.
const HOSTNAME =
  /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

/** `HOST` and `PORT` from the environment (`PORT=0` takes any free port). */
export function addressFromEnv(env: Env = process.env): Address {
  const rawHost = env.HOST?.trim();
  const host = rawHost ? rawHost : DEFAULT_ADDRESS.host;
  if (isIP(host) === 0 && !HOSTNAME.test(host)) {
    throw new StartupError(
      `HOST must be an IP address or a host name such as 127.0.0.1 or localhost, got ${JSON.stringify(env.HOST)}`,
    );
  }
  const port = intSetting(env, "PORT", DEFAULT_ADDRESS.port, { min: 0, max: 65_535 });
  return { host, port };
}

/** The URL a person can open for a bound address. */
export function urlOf(address: Address): string {
  const host = isIP(address.host) === 6 ? `[${address.host}]` : address.host;
  return `http://${host}:${address.port}`;
}
