/**
 * rhosts-style files (`/etc/hosts.equiv`, `/etc/ssh/shosts.equiv`; hosts.equiv(5))
 * as sshd reads them for hostbased authentication — OpenSSH
 * `check_rhosts_file`:
 *
 * - Each line is `host [user]`; blank lines, `#` comments and lines starting
 *   with `NO_PLUS` are skipped, and so is a line with more than two words.
 * - `host` is compared with the client's host name (ASCII case-insensitively)
 *   and with its address (exactly); `user` with the client's user name. A
 *   line without `user` stands for the local account's own name, so it lets
 *   a user in only as the same-named account.
 * - `+word` is `word`; `-word` (on either field) makes a matching line deny.
 *   A bare `+` or `-` (the old "any host" wildcard) is ignored, as sshd does.
 *   `@netgroup` entries never match: tsshd does not look up netgroups.
 * - The first matching line decides.
 *
 * @module
 */

/** Who is asking, as {@link rhostsVerdict} compares it. */
export interface RhostsQuery {
  /** The client's host name; with sshd's `UseDNS no`, its address. */
  hostname: string;
  /** The client's address. */
  ipaddr: string;
  /** The user name on the client host. */
  clientUser: string;
  /** The local account's name. */
  serverUser: string;
}

/**
 * What a file says: `allow` (a matching line), `deny` (a matching negated
 * line) or `none` (no line matched); the 1-based line that decided.
 *
 * @example
 * ```ts
 * const v: RhostsVerdict = { verdict: "allow", lineNumber: 3 };
 * ```
 */
export interface RhostsVerdict {
  verdict: "allow" | "deny" | "none";
  lineNumber?: number;
}

/**
 * ASCII lowercase (other letters unchanged), as C's `strcasecmp` compares names.
 *
 * @example
 * ```ts
 * asciiLower("Gateway.EXAMPLE.net"); // "gateway.example.net"
 * ```
 */
export function asciiLower(s: string): string {
  return s.replace(/[A-Z]/g, (c) => c.toLowerCase());
}

/** Strip a leading `+`/`-`; `-` negates. */
function sign(word: string): { word: string; negated: boolean } {
  if (word.startsWith("-")) return { word: word.slice(1), negated: true };
  return { word: word.startsWith("+") ? word.slice(1) : word, negated: false };
}

/**
 * Decide one hosts.equiv-style file's content for `q`.
 *
 * @example
 * ```ts
 * const q = { hostname: "192.0.2.7", ipaddr: "192.0.2.7", clientUser: "alice", serverUser: "alice" };
 * rhostsVerdict("192.0.2.7\n", q); // { verdict: "allow", lineNumber: 1 }
 * rhostsVerdict("-192.0.2.7\n192.0.2.7\n", q); // { verdict: "deny", lineNumber: 1 }
 * rhostsVerdict("192.0.2.7 bob\n", q); // { verdict: "none" }: only bob there may log in (as alice)
 * ```
 */
export function rhostsVerdict(text: string, q: RhostsQuery): RhostsVerdict {
  const hostname = asciiLower(q.hostname);
  const lines = text.split("\n");
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n];
    const start = line.replace(/^[ \t]+/, "");
    if (start === "" || start.startsWith("#") || start.startsWith("NO_PLUS")) continue;
    const words = line.split(/[ \t\r\v\f]+/).filter((w) => w !== "");
    if (words.length === 0 || words.length > 2) continue; // empty, or "garbage"
    const host = sign(words[0]);
    const user = sign(words[1] ?? q.serverUser);
    if (host.word === "" || user.word === "") continue; // wildcard "+" / "-": ignored
    if (host.word.startsWith("@")) continue; // netgroup: not looked up
    if (asciiLower(host.word) !== hostname && host.word !== q.ipaddr) continue;
    if (user.word.startsWith("@") || user.word !== q.clientUser) continue;
    return { verdict: host.negated || user.negated ? "deny" : "allow", lineNumber: n + 1 };
  }
  return { verdict: "none" };
}
