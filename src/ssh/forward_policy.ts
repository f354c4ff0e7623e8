/**
 * `permitopen` / `permitlisten` lists with OpenSSH's semantics
 * (sshd_config(5) `PermitOpen`/`PermitListen`, authorized_keys(5)
 * `permitopen=`/`permitlisten=`): literal host names compared without name
 * lookup, `*` for any port, IPv6 addresses in brackets.
 *
 * @module
 */

/** One parsed list entry. `port` undefined = any port; `host` undefined = any host. */
interface Entry {
  host: string | undefined;
  port: number | undefined;
}

/** A malformed `host:port` entry. */
export class PermitSyntaxError extends Error {
  constructor(entry: string) {
    super(`bad permit entry "${entry}": expected host:port, [v6addr]:port or port, with * for any`);
    this.name = "PermitSyntaxError";
  }
}

function parsePort(text: string, entry: string): number | undefined {
  if (text === "*") return undefined;
  if (!/^\d{1,5}$/.test(text) || Number(text) > 65535) throw new PermitSyntaxError(entry);
  return Number(text);
}

/**
 * Parse `host:port`, `[v6]:port`, or (when `portOnlyHost` is given) a bare
 * `port`, which then means that host.
 *
 * @example
 * ```ts
 * parsePermit("[::1]:*"); // { host: "::1", port: undefined }
 * ```
 */
export function parsePermit(entry: string, portOnlyHost?: string): Entry {
  const text = entry.trim();
  if (portOnlyHost !== undefined && /^(\d+|\*)$/.test(text)) {
    return { host: portOnlyHost, port: parsePort(text, entry) };
  }
  const v6 = /^\[([^\]]*)\]:([^:]+)$/.exec(text);
  const m = v6 ?? /^([^:]*):([^:]+)$/.exec(text);
  if (!m) throw new PermitSyntaxError(entry);
  const host = m[1] === "*" ? undefined : m[1].toLowerCase();
  return { host, port: parsePort(m[2], entry) };
}

/**
 * OpenSSH's `match_pattern`: `*` matches any run of characters, `?` any one.
 *
 * @example
 * ```ts
 * globMatch("host-1.example", "host-?.*"); // true
 * ```
 */
export function globMatch(text: string, pattern: string): boolean {
  const re = new RegExp(
    "^" + pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".") + "$",
    "s",
  );
  return re.test(text);
}

/**
 * Does `list` (undefined = no restriction) allow a `direct-tcpip` to `host:port`?
 * `none` allows nothing, `any` everything. Hosts compare literally (no name
 * lookup); `*` stands for any host or port.
 *
 * @example
 * ```ts
 * permitsOpen(["localhost:8080", "db:*"], "db", 5432); // true
 * ```
 */
export function permitsOpen(list: readonly string[] | undefined, host: string, port: number): boolean {
  if (list === undefined || list.includes("any")) return true;
  return list.some((e) => {
    if (e === "none") return false;
    const p = parsePermit(e);
    return (p.port === undefined || p.port === port) && (p.host === undefined || p.host === host.toLowerCase());
  });
}

/**
 * Does `list` (undefined = no restriction) allow a `tcpip-forward` on
 * `host:port`? Entry hosts are patterns matched against the requested bind
 * address (lower-cased); a bare port stands for `*:port`, any address.
 *
 * @example
 * ```ts
 * permitsListen(["8080", "127.0.0.1:9000"], "localhost", 8080); // true
 * ```
 */
export function permitsListen(list: readonly string[] | undefined, host: string, port: number): boolean {
  if (list === undefined || list.includes("any")) return true;
  const h = host.toLowerCase();
  return list.some((e) => {
    if (e === "none") return false;
    const p = parsePermit(e, "*");
    return (p.port === undefined || p.port === port) && (p.host === undefined || globMatch(h, p.host));
  });
}
