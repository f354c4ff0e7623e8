/**
 * sshd's `AuthenticationMethods`: lists of methods that must all succeed, in
 * order (`publickey,password publickey,keyboard-interactive` = a key, then a
 * password or a one-time code). At each step only the methods next in some
 * list are offered; the login completes when one list is done.
 *
 * @module
 */

/** Methods these lists may name. */
export const MULTI_FACTOR_METHODS = ["publickey", "password", "keyboard-interactive", "hostbased"] as const;

/** A bad `--authentication-methods` value. */
export class AuthMethodsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "AuthMethodsError";
  }
}

/**
 * Parse `"publickey,password publickey,keyboard-interactive"` (or `any`, = no lists).
 *
 * @example
 * ```ts
 * parseAuthMethods("publickey,password"); // [["publickey", "password"]]
 * ```
 */
export function parseAuthMethods(text: string): string[][] | undefined {
  const words = text.trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) throw new AuthMethodsError("empty --authentication-methods");
  if (words.length === 1 && words[0] === "any") return undefined;
  return words.map((w) => {
    const list = w.split(",");
    for (const m of list) {
      if (!(MULTI_FACTOR_METHODS as readonly string[]).includes(m)) {
        throw new AuthMethodsError(
          `--authentication-methods: unknown method "${m}" (use ${MULTI_FACTOR_METHODS.join(", ")})`,
        );
      }
    }
    return list;
  });
}

/**
 * The methods that may come next after `completed`.
 *
 * @example
 * ```ts
 * nextMethods([["publickey", "password"]], ["publickey"]); // ["password"]
 * ```
 */
export function nextMethods(lists: readonly string[][], completed: readonly string[]): string[] {
  const out = new Set<string>();
  for (const l of lists) {
    if (l.length > completed.length && completed.every((m, i) => l[i] === m)) out.add(l[completed.length]);
  }
  return [...out];
}

/**
 * Is one list done by exactly `completed`?
 *
 * @example
 * ```ts
 * isComplete([["publickey", "password"]], ["publickey", "password"]); // true
 * ```
 */
export function isComplete(lists: readonly string[][], completed: readonly string[]): boolean {
  return lists.some((l) => l.length === completed.length && l.every((m, i) => completed[i] === m));
}
