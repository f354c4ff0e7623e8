/**
 * sshd's `%` tokens in file and command templates (`AuthorizedKeysFile`,
 * `AuthorizedKeysCommand`, `AuthorizedPrincipalsFile`): `%u` user, `%h`
 * home, `%U` uid, `%%` a percent sign, and for commands also `%f %t %k %C %D`.
 *
 * @module
 */
import type { UserInfo } from "../runtime/types.ts";

/**
 * A template with an unknown `%` token or a lone `%` at its end.
 *
 * @example
 * ```ts
 * try { expandTokens("%q", {}); } catch (e) { e instanceof TokenError; } // true: "unknown token %q"
 * ```
 */
export class TokenError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TokenError";
  }
}

/**
 * Tokens of `AuthorizedKeysFile` paths.
 *
 * @example
 * ```ts
 * tokenProblem("/etc/keys/%u", PATH_TOKENS); // undefined
 * ```
 */
export const PATH_TOKENS: readonly string[] = ["u", "h", "U"];
/**
 * Tokens of `AuthorizedKeysCommand` arguments.
 *
 * @example
 * ```ts
 * tokenProblem("%f", COMMAND_TOKENS); // undefined
 * ```
 */
export const COMMAND_TOKENS: readonly string[] = ["u", "h", "U", "f", "t", "k", "C", "D"];

/**
 * Replace `%x` tokens (and `%%`) in `template` from `values`, as OpenSSH
 * `percent_expand`. Throws {@link TokenError} for a token not in `values`.
 *
 * @example
 * ```ts
 * expandTokens("%h/.ssh/keys_%u", { h: "/home/al", u: "al" }); // "/home/al/.ssh/keys_al"
 * expandTokens("100%%", {}); // "100%"
 * ```
 */
export function expandTokens(template: string, values: Readonly<Record<string, string>>): string {
  let out = "";
  for (let i = 0; i < template.length; i++) {
    const c = template[i];
    if (c !== "%") {
      out += c;
      continue;
    }
    const t = template[++i];
    if (t === "%") out += "%";
    else if (t !== undefined && Object.hasOwn(values, t)) out += values[t];
    else throw new TokenError(t === undefined ? `"${template}" ends with a lone %` : `unknown token %${t}`);
  }
  return out;
}

/**
 * Check a template against the tokens it may use; the message, or
 * `undefined` if it is fine.
 *
 * @example
 * ```ts
 * tokenProblem("%h/.ssh/authorized_keys", PATH_TOKENS); // undefined
 * tokenProblem("%k", PATH_TOKENS); // "unknown token %k"
 * ```
 */
export function tokenProblem(template: string, allowed: readonly string[]): string | undefined {
  try {
    expandTokens(template, Object.fromEntries(allowed.map((t) => [t, ""])));
    return undefined;
  } catch (e) {
    return (e as TokenError).message;
  }
}

/**
 * An `AuthorizedKeysFile` template made into the path for `user`: tokens
 * replaced, a relative result taken from the home directory.
 *
 * @example
 * ```ts
 * authorizedKeysPath(".ssh/authorized_keys", { name: "al", uid: 1000, gid: 1000, home: "/home/al", shell: "/bin/sh" });
 * // "/home/al/.ssh/authorized_keys"
 * ```
 */
export function authorizedKeysPath(template: string, user: UserInfo): string {
  const path = expandTokens(template, { u: user.name, h: user.home, U: String(user.uid) });
  return path.startsWith("/") ? path : `${user.home.replace(/\/+$/, "")}/${path}`;
}
