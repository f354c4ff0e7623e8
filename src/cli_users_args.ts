/**
 * The flags of `tsshd` about who may log in and with which certificates,
 * named after sshd_config's keywords: `--permit-root-login`,
 * `--allow-users`/`--deny-users`/`--allow-groups`/`--deny-groups`
 * (multi-user mode), `--trusted-user-ca-keys`, `--authorized-principals-file`,
 * `--revoked-keys`.
 *
 * @module
 */
import type { PermitRootLogin } from "./ops/login_gate.ts";
import { splitPatterns, type UserFilter, validateUserFilter } from "./ops/user_filter.ts";
import { parseAuthMethods } from "./ops/auth_methods.ts";

/** parseArgs option specs. */
export const USERS_OPTIONS = {
  "permit-root-login": { type: "string" },
  "allow-users": { type: "string", multiple: true },
  "deny-users": { type: "string", multiple: true },
  "allow-groups": { type: "string", multiple: true },
  "deny-groups": { type: "string", multiple: true },
  "trusted-user-ca-keys": { type: "string" },
  "authorized-principals-file": { type: "string" },
  "revoked-keys": { type: "string" },
  "password-file": { type: "string" },
  "system-passwords": { type: "boolean" },
  "permit-empty-passwords": { type: "boolean" },
  "authentication-methods": { type: "string" },
} as const;

/** Help text lines. */
export const USERS_HELP =
  `      --permit-root-login yes|prohibit-password|forced-commands-only|no  how root may log in (default
                               prohibit-password: keys only)
      --allow-users, --deny-users "PATTERN ..."  login names (USER or USER@HOST patterns) let in / kept out
      --allow-groups, --deny-groups "PATTERN ..."  the same by group (multi-user mode, when run as root)
      --trusted-user-ca-keys FILE  CA keys whose user certificates are accepted (principals = user name)
      --authorized-principals-file PATTERN  principals accepted per user instead of the user name (%u %h %U)
      --revoked-keys FILE      keys and certificates refused (OpenSSH KRL or public key list; unreadable = deny all)
      --password-file FILE     enable password and keyboard-interactive logins against FILE's "user:hash" lines
                               (argon2id, yescrypt, sha512-crypt, bcrypt; add lines with: tsshd passwd USER)
      --system-passwords       enable them against /etc/shadow (root only)
      --permit-empty-passwords accept empty passwords (default: refused)
      --authentication-methods "M1,M2 M3,M4"  require every method of one list, in order (multi-factor;
                               e.g. "publickey,password publickey,keyboard-interactive"; default any)
`;

/** The parsed values parseArgs returns for {@link USERS_OPTIONS}. */
export interface UsersFlagValues {
  "permit-root-login"?: string;
  "allow-users"?: string[];
  "deny-users"?: string[];
  "allow-groups"?: string[];
  "deny-groups"?: string[];
  "trusted-user-ca-keys"?: string;
  "authorized-principals-file"?: string;
  "revoked-keys"?: string;
  "password-file"?: string;
  "system-passwords"?: boolean;
  "permit-empty-passwords"?: boolean;
  "authentication-methods"?: string;
}

/** Settings from these flags. */
export interface UsersSettings {
  permitRootLogin: PermitRootLogin;
  userFilter?: UserFilter;
  certificates: { trustedCaKeys?: string; authorizedPrincipalsFile?: string; revokedKeys?: string };
  passwords: { passwordFile?: string; systemPasswords: boolean; permitEmptyPasswords: boolean };
  authenticationMethods?: string[][];
}

const ROOT_LOGIN: Record<string, PermitRootLogin> = {
  "yes": "yes",
  "prohibit-password": "prohibit-password",
  "without-password": "prohibit-password", // sshd's old name
  "forced-commands-only": "forced-commands-only",
  "no": "no",
};

/**
 * Turn the flag values into settings; throws an `Error` with a one-line message on a bad value.
 *
 * @example
 * ```ts
 * usersSettings({ "permit-root-login": "no", "allow-users": ["alice bob@10.0.0.*"] });
 * ```
 */
export function usersSettings(v: UsersFlagValues): UsersSettings {
  const root = v["permit-root-login"];
  if (root !== undefined && !Object.hasOwn(ROOT_LOGIN, root)) {
    throw new Error(
      `invalid --permit-root-login '${root}': expected yes, prohibit-password, forced-commands-only or no`,
    );
  }
  const list = (values?: string[]) => values?.flatMap(splitPatterns);
  const filter: UserFilter = {
    allowUsers: list(v["allow-users"]),
    denyUsers: list(v["deny-users"]),
    allowGroups: list(v["allow-groups"]),
    denyGroups: list(v["deny-groups"]),
  };
  const anyFilter = Object.values(filter).some((x) => x !== undefined);
  if (anyFilter) validateUserFilter(filter);
  return {
    permitRootLogin: root === undefined ? "prohibit-password" : ROOT_LOGIN[root],
    ...(anyFilter ? { userFilter: filter } : {}),
    certificates: {
      trustedCaKeys: v["trusted-user-ca-keys"],
      authorizedPrincipalsFile: v["authorized-principals-file"],
      revokedKeys: v["revoked-keys"],
    },
    authenticationMethods: v["authentication-methods"] === undefined
      ? undefined
      : parseAuthMethods(v["authentication-methods"]),
    passwords: {
      passwordFile: v["password-file"],
      systemPasswords: v["system-passwords"] ?? false,
      permitEmptyPasswords: v["permit-empty-passwords"] ?? false,
    },
  };
}
