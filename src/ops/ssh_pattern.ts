/**
 * OpenSSH patterns (ssh_config(5) "PATTERNS"): `*` matches zero or more
 * characters, `?` exactly one, everything else itself; a *pattern-list* is
 * a comma-separated list of patterns, each optionally negated with `!`.
 *
 * Used by `--allow-users`/`--deny-users`/`--allow-groups`/`--deny-groups`
 * (sshd_config(5) AllowUsers…) and usable for authorized_keys `from=`.
 *
 * @module
 */

/**
 * Whether `text` matches the single `pattern` (no lists, no negation), case
 * sensitively. Runs in O(text × pattern) time, never backtracking
 * exponentially.
 *
 * @example
 * ```ts
 * matchPattern("host.co.uk", "*.co.uk"); // true
 * matchPattern("192.168.0.10", "192.168.0.?"); // false
 * ```
 */
export function matchPattern(text: string, pattern: string): boolean {
  const m = pattern.length;
  if (m === 0) return text.length === 0;
  // states[i]: pattern position i is reachable after the text consumed so far (m = accepting).
  let states = new Uint8Array(m + 1);
  let next = new Uint8Array(m + 1);
  states[0] = 1;
  starClosure(states, pattern);
  for (let t = 0; t < text.length; t++) {
    next.fill(0);
    const c = text[t];
    let active = false;
    for (let i = 0; i < m; i++) {
      if (!states[i]) continue;
      const p = pattern[i];
      if (p === "*") next[i] = 1;
      else if (p === "?" || p === c) next[i + 1] = 1;
    }
    starClosure(next, pattern);
    [states, next] = [next, states];
    for (let i = 0; i <= m && !active; i++) active = states[i] === 1;
    if (!active) return false;
  }
  return states[m] === 1;
}

/** A `*` may match nothing: a reachable `*` at i makes i + 1 reachable too. */
function starClosure(states: Uint8Array, pattern: string): void {
  for (let i = 0; i < pattern.length; i++) {
    if (states[i] && pattern[i] === "*") states[i + 1] = 1;
  }
}

/**
 * The result of matching a pattern-list: `1` a positive pattern matched and
 * no negated one did, `-1` a negated pattern matched (this wins over any
 * positive match), `0` nothing matched.
 */
export type ListMatch = 1 | 0 | -1;

/**
 * Matches `text` against a comma-separated pattern-list (OpenSSH
 * `match_pattern_list`). With `lowercase`, the patterns are lowercased
 * first (the caller lowercases `text`), as OpenSSH does for host names.
 *
 * @example
 * ```ts
 * matchPatternList("a.dialup.example.com", "!*.dialup.example.com,*.example.com"); // -1
 * matchPatternList("www.example.com", "!*.dialup.example.com,*.example.com"); // 1
 * matchPatternList("host3", "!host1,!host2"); // 0: a negation alone never matches
 * ```
 */
export function matchPatternList(text: string, list: string, lowercase = false): ListMatch {
  let positive = false;
  for (const raw of list.split(",")) {
    const negated = raw.startsWith("!");
    let pattern = negated ? raw.slice(1) : raw;
    if (lowercase) pattern = pattern.toLowerCase();
    if (!matchPattern(text, pattern)) continue;
    if (negated) return -1;
    positive = true;
  }
  return positive ? 1 : 0;
}
