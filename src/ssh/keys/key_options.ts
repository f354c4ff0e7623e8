/**
 * authorized_keys options (sshd(8) "AUTHORIZED_KEYS FILE FORMAT"): the
 * comma-separated field before the key type, e.g.
 * `restrict,pty,command="echo \"hi\"",from="10.0.0.0/8,!10.0.0.1"`.
 *
 * Option names are case-insensitive; values are always double-quoted, and
 * `\"` is the only escape (any other backslash is kept). Any unknown option
 * or bad value makes the whole options field invalid: the caller then skips
 * the line, so options can only ever restrict what a key may do.
 *
 * @example
 * ```ts
 * const opts = parseKeyOptions('restrict,pty,command="uptime"');
 * opts.pty; // true (re-enabled after restrict)
 * opts.portForwarding; // false
 * opts.command; // "uptime"
 * ```
 * @module
 */

import { KeyError } from "./errors.ts";

/** A `permitopen` / `permitlisten` target. */
export interface PermitTarget {
  /** Host name or address without IPv6 brackets; `*` for a bare-port permitlisten. */
  host: string;
  /** Port 1–65535, or `*` for any port. */
  port: number | "*";
}

/** What a key's options allow and require. The defaults (no options) restrict nothing. */
export interface KeyOptions {
  /** `restrict` was given (all of the permission flags below were turned off at that point). */
  restrict: boolean;
  /** `cert-authority`: the key only vouches for certificates and never authenticates by itself. */
  certAuthority: boolean;
  portForwarding: boolean;
  agentForwarding: boolean;
  x11Forwarding: boolean;
  pty: boolean;
  userRc: boolean;
  /** FIDO keys only: `no-touch-required` clears it. */
  touchRequired: boolean;
  /** FIDO keys only: `verify-required`; keys that cannot prove verification must be refused. */
  verifyRequired: boolean;
  /** `command="…"`: the forced command. */
  command?: string;
  /** `from="pattern-list"`: the client's address or name must match. */
  from?: string[];
  /** `principals="…"` (with cert-authority). */
  principals?: string[];
  /** `environment="NAME=value"`, first one per name wins. Apply only if the server enables it. */
  environment: { name: string; value: string }[];
  /** `permitopen="host:port"`: allowed `ssh -L` destinations; empty = no restriction. */
  permitOpen: PermitTarget[];
  /** `permitlisten="[host:]port"`: allowed `ssh -R` listeners; empty = no restriction. */
  permitListen: PermitTarget[];
  /** `expiry-time="…"` as seconds since the epoch (earliest wins). */
  expiryTime?: number;
  /** `tunnel="n"`: forced tun device number, or "any". */
  tunnel?: number | "any";
}

/**
 * An options field that cannot be accepted; the line must be skipped.
 *
 * @example
 * ```ts
 * try { parseKeyOptions("bogus"); } catch (e) { e instanceof KeyOptionsError; } // true
 * ```
 */
export class KeyOptionsError extends KeyError {
  constructor(message: string) {
    super(message);
    this.name = "KeyOptionsError";
  }
}

const MAX_PERMITS = 4096;
const MAX_ENV = 1024;

/** Flags that may be negated with a `no-` prefix, and the field each sets. */
const NEGATABLE: Record<string, "portForwarding" | "agentForwarding" | "x11Forwarding" | "pty" | "userRc"> = {
  "port-forwarding": "portForwarding",
  "agent-forwarding": "agentForwarding",
  "x11-forwarding": "x11Forwarding",
  "pty": "pty",
  "user-rc": "userRc",
};

/**
 * The options of a line without an options field.
 *
 * @example
 * ```ts
 * defaultKeyOptions().pty; // true
 * ```
 */
export function defaultKeyOptions(): KeyOptions {
  return {
    restrict: false,
    certAuthority: false,
    portForwarding: true,
    agentForwarding: true,
    x11Forwarding: true,
    pty: true,
    userRc: true,
    touchRequired: true,
    verifyRequired: false,
    environment: [],
    permitOpen: [],
    permitListen: [],
  };
}

/**
 * Parse an options field (no surrounding whitespace). Throws
 * {@link KeyOptionsError} naming the first problem.
 *
 * @example
 * ```ts
 * parseKeyOptions('no-pty,environment="A=b"').environment; // [{ name: "A", value: "b" }]
 * parseKeyOptions("bogus"); // throws KeyOptionsError: unknown key option "bogus"
 * ```
 */
export function parseKeyOptions(field: string): KeyOptions {
  const o = defaultKeyOptions();
  let i = 0;
  while (i < field.length) {
    let j = i;
    while (j < field.length && field[j] !== "=" && field[j] !== ",") j++;
    const name = field.slice(i, j).toLowerCase();
    if (field[j] === "=") {
      const { value, next } = dequote(field, j + 1, name);
      applyValue(o, name, value);
      i = next;
    } else {
      applyFlag(o, name);
      i = j;
    }
    if (i >= field.length) break;
    if (field[i] !== ",") throw new KeyOptionsError(`unexpected "${field[i]}" after option "${name}"`);
    i++;
    if (i >= field.length) throw new KeyOptionsError("options end with a comma");
  }
  return o;
}

/** Read a double-quoted value starting at `start`; `\"` is the only escape. */
function dequote(field: string, start: number, name: string): { value: string; next: number } {
  if (field[start] !== '"') throw new KeyOptionsError(`option "${name}" needs a double-quoted value`);
  let value = "";
  let k = start + 1;
  for (; k < field.length && field[k] !== '"'; k++) {
    if (field[k] === "\\" && field[k + 1] === '"') k++;
    value += field[k];
  }
  if (k >= field.length) throw new KeyOptionsError(`option "${name}" has no closing quote`);
  return { value, next: k + 1 };
}

function applyFlag(o: KeyOptions, name: string): void {
  if (name === "restrict") {
    o.restrict = true;
    for (const flag of Object.values(NEGATABLE)) o[flag] = false;
    return;
  }
  if (name === "cert-authority") {
    o.certAuthority = true;
    return;
  }
  const negated = name.startsWith("no-");
  const base = negated ? name.slice(3) : name;
  if (Object.hasOwn(NEGATABLE, base)) {
    o[NEGATABLE[base]] = !negated;
  } else if (base === "touch-required") {
    o.touchRequired = !negated;
  } else if (base === "verify-required") {
    o.verifyRequired = !negated;
  } else {
    throw new KeyOptionsError(`unknown key option "${name}"`);
  }
}

function applyValue(o: KeyOptions, name: string, value: string): void {
  switch (name) {
    case "command":
      if (o.command !== undefined) throw new KeyOptionsError('multiple "command" options');
      o.command = value;
      return;
    case "from":
      if (o.from !== undefined) throw new KeyOptionsError('multiple "from" options');
      o.from = value.split(",");
      return;
    case "principals":
      if (o.principals !== undefined) throw new KeyOptionsError('multiple "principals" options');
      o.principals = value.split(",");
      return;
    case "expiry-time": {
      const t = parseExpiryTime(value);
      if (o.expiryTime === undefined || t < o.expiryTime) o.expiryTime = t;
      return;
    }
    case "environment":
      return addEnvironment(o, value);
    case "permitopen":
    case "permitlisten": {
      const list = name === "permitopen" ? o.permitOpen : o.permitListen;
      if (list.length >= MAX_PERMITS) throw new KeyOptionsError(`too many ${name} options`);
      list.push(parsePermit(value, name === "permitlisten"));
      return;
    }
    case "tunnel":
      o.tunnel = parseTunnel(value);
      return;
    default:
      throw new KeyOptionsError(`unknown key option "${name}"`);
  }
}

function addEnvironment(o: KeyOptions, value: string): void {
  const eq = value.indexOf("=");
  const envName = eq < 0 ? "" : value.slice(0, eq);
  if (!/^[A-Za-z0-9_]+$/.test(envName)) throw new KeyOptionsError(`invalid environment string "${value}"`);
  if (o.environment.length >= MAX_ENV) throw new KeyOptionsError("too many environment options");
  if (!o.environment.some((e) => e.name === envName)) o.environment.push({ name: envName, value: value.slice(eq + 1) });
}

/** `host:port`, `[v6]:port`, or for permitlisten a bare `port`; port may be `*`. */
function parsePermit(value: string, allowBarePort: boolean): PermitTarget {
  let spec = value;
  if (allowBarePort && !spec.includes(":")) spec = `*:${spec}`;
  let host: string;
  let rest: string;
  if (spec.startsWith("[")) {
    const close = spec.indexOf("]");
    if (close < 0 || spec[close + 1] !== ":") throw new KeyOptionsError(`invalid permission "${value}"`);
    host = spec.slice(1, close);
    rest = spec.slice(close + 2);
  } else {
    const colon = spec.search(/[:/]/);
    if (colon < 0) throw new KeyOptionsError(`invalid permission "${value}": no port`);
    host = spec.slice(0, colon);
    rest = spec.slice(colon + 1);
  }
  if (host === "" || host.length > 1024) throw new KeyOptionsError(`invalid permission hostname in "${value}"`);
  if (rest === "*") return { host, port: "*" };
  if (!/^[0-9]{1,5}$/.test(rest) || Number(rest) < 1 || Number(rest) > 65535) {
    throw new KeyOptionsError(`invalid permission port in "${value}"`);
  }
  return { host, port: Number(rest) };
}

function parseTunnel(value: string): number | "any" {
  if (value.toLowerCase() === "any") return "any";
  if (!/^[0-9]{1,10}$/.test(value) || Number(value) > 0x7fffffff - 2) {
    throw new KeyOptionsError(`invalid tun device "${value}"`);
  }
  return Number(value);
}

/**
 * Parse an `expiry-time` value: `YYYYMMDD`, `YYYYMMDDHHMM` or
 * `YYYYMMDDHHMMSS`, in local time unless it ends in `Z` (or `UTC`). Returns
 * seconds since the epoch; throws {@link KeyOptionsError}.
 *
 * @example
 * ```ts
 * parseExpiryTime("20300101Z"); // 1893456000
 * ```
 */
export function parseExpiryTime(value: string): number {
  let s = value;
  let utc = false;
  if (/z$/i.test(s) && s.length > 1) {
    utc = true;
    s = s.slice(0, -1);
  } else if (/utc$/i.test(s) && s.length > 3) {
    utc = true;
    s = s.slice(0, -3);
  }
  if (!/^[0-9]+$/.test(s) || (s.length !== 8 && s.length !== 12 && s.length !== 14)) {
    throw new KeyOptionsError(`invalid expiry time "${value}"`);
  }
  const f = (a: number, b: number) => (s.length >= b ? Number(s.slice(a, b)) : 0);
  const [y, mo, d, h, mi, se] = [f(0, 4), f(4, 6), f(6, 8), f(8, 10), f(10, 12), f(12, 14)];
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60) {
    throw new KeyOptionsError(`invalid expiry time "${value}"`);
  }
  const ms = utc ? Date.UTC(y, mo - 1, d, h, mi, se) : new Date(y, mo - 1, d, h, mi, se).getTime();
  const t = Math.floor(ms / 1000);
  if (!Number.isFinite(t) || t <= 0) throw new KeyOptionsError(`invalid expiry time "${value}"`);
  return t;
}
