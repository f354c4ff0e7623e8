/**
 * The authentication flags of `tsshd`, named after sshd_config's keywords:
 * `--authorized-keys` (AuthorizedKeysFile), `--authorized-keys-command`,
 * `--authorized-keys-command-user`, `--banner`, `--permit-user-environment`
 * and `--max-auth-tries`.
 *
 * @module
 */
import { COMMAND_TOKENS, PATH_TOKENS, tokenProblem } from "./ops/key_store.ts";

/** parseArgs option specs of the authentication flags. */
export const AUTH_OPTIONS = {
  "authorized-keys": { type: "string", short: "a", multiple: true },
  "authorized-keys-command": { type: "string" },
  "authorized-keys-command-user": { type: "string" },
  banner: { type: "string" },
  "permit-user-environment": { type: "string" },
  "max-auth-tries": { type: "string" },
} as const;

/** The help text lines of the authentication flags. */
export const AUTH_HELP =
  `  -a, --authorized-keys FILES  authorized public keys; repeatable, or several in one value separated
                               by spaces, tried in order. %u = user, %h = home, %U = uid, %% = %;
                               relative paths start at the home directory; "none" = no file
                               (default .ssh/authorized_keys: in each user's home)
      --authorized-keys-command "PROGRAM [ARG...]"  also ask PROGRAM (absolute path) for keys: it prints
                               authorized_keys lines. Arguments may use %u %h %U %f (fingerprint)
                               %t (key type) %k (base64 key) %C (connection) %%; with none it gets
                               the user name. A failure, non-zero exit or 10 s timeout gives no keys
      --authorized-keys-command-user USER  run that program as USER (required when tsshd runs as root)
      --banner FILE            send FILE's text to clients before authentication ("none" = no banner)
      --permit-user-environment yes|no|PATTERNS  honour environment= in authorized_keys (default no);
                               PATTERNS (e.g. "LANG,LC_*") names the variables allowed
      --max-auth-tries N       failed authentication attempts before disconnect (default 6)
`;

/** The parsed values parseArgs returns for {@link AUTH_OPTIONS}. */
export interface AuthFlagValues {
  "authorized-keys"?: string[];
  "authorized-keys-command"?: string;
  "authorized-keys-command-user"?: string;
  banner?: string;
  "permit-user-environment"?: string;
  "max-auth-tries"?: string;
}

/**
 * Authentication settings from the command line.
 *
 * @example
 * ```ts
 * const s: AuthSettings = authSettings({ "max-auth-tries": "3" }); // s.maxAuthTries === 3
 * ```
 */
export interface AuthSettings {
  /**
   * The authorized-keys files as sshd's `AuthorizedKeysFile` value: paths
   * separated by spaces (repeated flags joined); split it with
   * {@link authorizedKeysFiles}.
   */
  authorizedKeys: string;
  /** `--authorized-keys-command`, split into program and argument templates. */
  authorizedKeysCommand?: string[];
  /** `--authorized-keys-command-user`. */
  authorizedKeysCommandUser?: string;
  /** `--banner FILE`; undefined for none. */
  banner?: string;
  /** `--permit-user-environment`: `true`, `false` or a pattern-list of variable names. */
  permitUserEnvironment: boolean | string;
  /** `--max-auth-tries`; undefined = the engine's default (6). */
  maxAuthTries?: number;
}

/**
 * Split a value into words as OpenSSH's `argv_split` does: spaces and tabs
 * separate, `"…"` and `'…'` quote, and a backslash escapes a quote, a
 * backslash, or (outside quotes) a space. Throws an `Error` for an
 * unterminated quote.
 *
 * @example
 * ```ts
 * splitWords(`/usr/bin/keys "%u" 'a b' c\\ d`); // ["/usr/bin/keys", "%u", "a b", "c d"]
 * ```
 */
export function splitWords(text: string): string[] {
  const words: string[] = [];
  let i = 0;
  while (i < text.length) {
    if (text[i] === " " || text[i] === "\t") {
      i++;
      continue;
    }
    let word = "";
    let quote = "";
    for (; i < text.length; i++) {
      const c = text[i];
      const n = text[i + 1];
      if (c === "\\" && (n === "'" || n === '"' || n === "\\" || (quote === "" && n === " "))) word += text[++i];
      else if (quote === "" && (c === " " || c === "\t")) break;
      else if (quote === "" && (c === '"' || c === "'")) quote = c;
      else if (quote !== "" && c === quote) quote = "";
      else word += c;
    }
    if (quote !== "") throw new Error(`unterminated ${quote} quote in "${text}"`);
    words.push(word);
  }
  return words;
}

/**
 * The file templates of an `authorizedKeys` setting.
 *
 * @example
 * ```ts
 * authorizedKeysFiles('.ssh/authorized_keys "/etc/ssh/keys/%u"'); // [".ssh/authorized_keys", "/etc/ssh/keys/%u"]
 * ```
 */
export function authorizedKeysFiles(value: string): string[] {
  return splitWords(value);
}

function yesNoOrPatterns(flag: string, value: string | undefined): boolean | string {
  if (value === undefined || value === "no") return false;
  if (value === "yes") return true;
  if (value.trim() === "" || /\s/.test(value)) {
    throw new Error(`invalid --${flag} '${value}': expected yes, no, or a comma-separated pattern list`);
  }
  return value;
}

/** The default authorized-keys file: relative, so in the home directory of the user logging in (as sshd). */
export const DEFAULT_AUTHORIZED_KEYS = ".ssh/authorized_keys";

/**
 * Turn the flag values into settings; throws an `Error` with a one-line
 * message on a bad value.
 *
 * @example
 * ```ts
 * authSettings({ "authorized-keys": ["%h/.ssh/authorized_keys", "/etc/ssh/keys/%u"] }).authorizedKeys;
 * // "%h/.ssh/authorized_keys /etc/ssh/keys/%u"
 * ```
 */
export function authSettings(v: AuthFlagValues): AuthSettings {
  const given = v["authorized-keys"];
  // Never a path computed from the server's own home: in multi-user mode that would check
  // every account's logins against one account's keys.
  const authorizedKeys = given?.length ? given.join(" ") : DEFAULT_AUTHORIZED_KEYS;
  let files: string[];
  try {
    files = authorizedKeysFiles(authorizedKeys);
  } catch (e) {
    throw new Error(`invalid --authorized-keys: ${(e as Error).message}`);
  }
  if (files.length === 0) throw new Error("empty --authorized-keys (use 'none' for no file)");
  for (const f of files) {
    const problem = tokenProblem(f, PATH_TOKENS);
    if (problem) throw new Error(`invalid --authorized-keys '${f}': ${problem}`);
  }
  let command: string[] | undefined;
  const commandText = v["authorized-keys-command"];
  if (commandText !== undefined) {
    try {
      command = splitWords(commandText);
    } catch (e) {
      throw new Error(`invalid --authorized-keys-command: ${(e as Error).message}`);
    }
    if (command.length === 0) throw new Error("empty --authorized-keys-command");
    if (!command[0].startsWith("/")) {
      throw new Error(`invalid --authorized-keys-command '${command[0]}': the program must be an absolute path`);
    }
    for (const arg of command.slice(1)) {
      const problem = tokenProblem(arg, COMMAND_TOKENS);
      if (problem) throw new Error(`invalid --authorized-keys-command argument '${arg}': ${problem}`);
    }
  }
  const commandUser = v["authorized-keys-command-user"];
  if (commandUser !== undefined && command === undefined) {
    throw new Error("--authorized-keys-command-user needs --authorized-keys-command");
  }
  if (commandUser === "") throw new Error("empty --authorized-keys-command-user");
  let maxAuthTries: number | undefined;
  const tries = v["max-auth-tries"];
  if (tries !== undefined) {
    if (!/^\d{1,4}$/.test(tries) || Number(tries) < 1) {
      throw new Error(`invalid --max-auth-tries '${tries}': expected a whole number from 1 to 9999`);
    }
    maxAuthTries = Number(tries);
  }
  if (v.banner === "") throw new Error("empty --banner (use 'none' for no banner)");
  return {
    authorizedKeys,
    authorizedKeysCommand: command,
    authorizedKeysCommandUser: commandUser,
    banner: v.banner === "none" ? undefined : v.banner,
    permitUserEnvironment: yesNoOrPatterns("permit-user-environment", v["permit-user-environment"]),
    maxAuthTries,
  };
}
