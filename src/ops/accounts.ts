/**
 * System accounts for multi-user mode: looking a login name up (through NSS
 * with `getent`, falling back to /etc/passwd), the account's groups (`id -G`
 * and `getent group`, falling back to /etc/group), and whether sshd would
 * let the account in at all (OpenSSH `allowed_user`: not locked, not
 * expired, a shell that exists and is executable).
 *
 * @module
 */
import { readFile, stat } from "node:fs/promises";
import type { Runtime, UserInfo } from "../runtime/types.ts";
import { SpawnError } from "../runtime/node_common.ts";
import { printable } from "../ssh/transport/version.ts";
import { parseGroups, SYSTEM_ACCOUNT_FILES } from "./sftp_users.ts";

/**
 * What the account helpers need: a way to run `getent` and `id` (a
 * {@link Runtime}) and, for the fallbacks and tests, the account files.
 *
 * @example
 * ```ts
 * const env: AccountSource = { runtime, files: { passwd: "/etc/passwd", group: "/etc/group" } };
 * ```
 */
export interface AccountSource {
  runtime: Pick<Runtime, "spawn">;
  /** Files read when `getent`/`id` are not installed (default /etc/passwd and /etc/group). */
  files?: { passwd: string; group: string };
  /** Do not run `getent`/`id`; read the files only (tests). */
  filesOnly?: boolean;
}

/**
 * An account's groups: the primary group first, then the supplementary ones.
 * `names` holds the names of those that have one (sshd's AllowGroups matches
 * names only).
 *
 * @example
 * ```ts
 * const g: AccountGroups = { gids: [1000, 27], names: ["alice", "sudo"] };
 * ```
 */
export interface AccountGroups {
  gids: number[];
  names: string[];
}

/**
 * The password-database facts {@link accountProblem} needs, from /etc/shadow
 * (see `shadow_status.ts`): `locked` when the hash starts with `!`
 * (`passwd -l`, or `useradd` without a password), `expired` when the
 * account expiry date (field 8) has passed.
 *
 * @example
 * ```ts
 * const s: ShadowStatus = { locked: false, expired: false };
 * ```
 */
export interface ShadowStatus {
  locked: boolean;
  expired: boolean;
}

/** Environment of the lookup helpers: a fixed PATH and the C locale. */
const TOOL_ENV = { PATH: "/usr/bin:/bin:/usr/sbin:/sbin", LC_ALL: "C" };
/** Longest name looked up (glibc's LOGIN_NAME_MAX is 256 including the NUL). */
const MAX_NAME_LENGTH = 255;

/**
 * Whether `name` can be an account name at all: non-empty, at most 255
 * bytes, and free of `:`, `/`, control characters and leading `-`. Others
 * are refused without a lookup.
 *
 * @example
 * ```ts
 * isPlausibleAccountName("alice"); // true
 * isPlausibleAccountName("-rf"); // false
 * ```
 */
export function isPlausibleAccountName(name: string): boolean {
  // deno-lint-ignore no-control-regex
  return name.length > 0 && name.length <= MAX_NAME_LENGTH && !/[:/\x00-\x1f\x7f]/.test(name) && name[0] !== "-";
}

/**
 * Parses one passwd line (`name:pw:uid:gid:gecos:home:shell`, as in
 * /etc/passwd and `getent passwd` output); `undefined` if malformed. An
 * empty shell means `/bin/sh`, as for login(1) and sshd.
 *
 * @example
 * ```ts
 * parsePasswdLine("alice:x:1000:1000:Alice:/home/alice:/bin/bash");
 * // { name: "alice", uid: 1000, gid: 1000, home: "/home/alice", shell: "/bin/bash" }
 * ```
 */
export function parsePasswdLine(line: string): UserInfo | undefined {
  const f = line.replace(/\r?\n$/, "").split(":");
  if (f.length < 7 || f[0] === "" || !/^\d+$/.test(f[2]) || !/^\d+$/.test(f[3])) return undefined;
  return { name: f[0], uid: Number(f[2]), gid: Number(f[3]), home: f[5], shell: f.slice(6).join(":") || "/bin/sh" };
}

/** Run a lookup tool; `undefined` if it is not installed. */
async function capture(
  runtime: Pick<Runtime, "spawn">,
  file: string,
  args: string[],
): Promise<{ code: number; stdout: string } | undefined> {
  let child;
  try {
    child = runtime.spawn({ file, args, env: TOOL_ENV, cwd: "/" });
  } catch (e) {
    if (e instanceof SpawnError && e.code === "ENOENT") return undefined;
    throw e;
  }
  child.closeStdin();
  const chunks: Uint8Array[] = [];
  const drainErr = (async () => {
    if (child.readErr) { while (await child.readErr()); }
  })();
  for (let c = await child.read(); c; c = await child.read()) chunks.push(c);
  await drainErr;
  const status = await child.exited;
  const stdout = new TextDecoder().decode(concat(chunks));
  return { code: status.code ?? 128, stdout };
}

function concat(chunks: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

async function readOrEmpty(path: string): Promise<string> {
  try {
    return await readFile(path, "utf8");
  } catch {
    return "";
  }
}

/**
 * Looks up the account called exactly `name`: `getent passwd -- NAME`
 * (NSS: files, LDAP, sssd…), or the passwd file when `getent` is not
 * installed. `undefined` for no such account (a numeric name never matches
 * a uid) or an implausible name.
 *
 * @example
 * ```ts
 * const account = await lookupAccount("alice", { runtime });
 * account?.home; // "/home/alice"
 * ```
 */
export async function lookupAccount(name: string, source: AccountSource): Promise<UserInfo | undefined> {
  if (!isPlausibleAccountName(name)) return undefined;
  const result = source.filesOnly ? undefined : await capture(source.runtime, "getent", ["passwd", "--", name]);
  const text = result ? (result.code === 0 ? result.stdout : "") : await readOrEmpty(passwdFile(source));
  for (const line of text.split("\n")) {
    const entry = parsePasswdLine(line);
    // getent also answers a numeric key with the uid's entry: insist on the name.
    if (entry && entry.name === name) return entry;
  }
  return undefined;
}

function passwdFile(source: AccountSource): string {
  return source.files?.passwd ?? SYSTEM_ACCOUNT_FILES.passwd;
}

function groupFile(source: AccountSource): string {
  return source.files?.group ?? SYSTEM_ACCOUNT_FILES.group;
}

/** Groups from a group file: the primary gid plus every group listing `name` as a member. */
function groupsFromFile(text: string, account: UserInfo): number[] {
  const gids = [account.gid];
  for (const line of text.split("\n")) {
    const f = line.split(":");
    if (f.length < 4 || !/^\d+$/.test(f[2])) continue;
    if (f[3].split(",").map((m) => m.trim()).includes(account.name)) gids.push(Number(f[2]));
  }
  return gids;
}

/**
 * The account's groups as `initgroups` would set them (primary first, no
 * duplicates): `id -G -- NAME` through NSS, or the group file when `id` is
 * not installed; names from `getent group` or the group file.
 *
 * @example
 * ```ts
 * const { gids, names } = await accountGroups(account, { runtime });
 * ```
 */
export async function accountGroups(account: UserInfo, source: AccountSource): Promise<AccountGroups> {
  let gids: number[] | undefined;
  if (!source.filesOnly) {
    const id = await capture(source.runtime, "id", ["-G", "--", account.name]);
    if (id && id.code === 0) gids = id.stdout.trim().split(/\s+/).filter((g) => /^\d+$/.test(g)).map(Number);
  }
  let groupText: string | undefined;
  if (!gids) {
    groupText = await readOrEmpty(groupFile(source));
    gids = groupsFromFile(groupText, account);
  }
  const unique = [account.gid, ...gids.filter((g) => g !== account.gid)].filter((g, i, all) => all.indexOf(g) === i);
  if (groupText === undefined && !source.filesOnly) {
    const r = await capture(source.runtime, "getent", ["group", ...unique.map(String)]);
    if (r) groupText = r.stdout;
  }
  const byGid = parseGroups(groupText ?? await readOrEmpty(groupFile(source)));
  const names = unique.map((g) => byGid.get(g)).filter((n): n is string => n !== undefined);
  return { gids: unique, names };
}

/**
 * Why sshd would refuse `account` before any authentication (OpenSSH
 * `allowed_user` with `UsePAM no`), or `undefined`: a locked or expired
 * account (given `shadow`), or a login shell (`/bin/sh` if empty) that does
 * not exist, is not a regular file, or has no execute bit. Like sshd, a
 * shell such as `/usr/sbin/nologin` passes: it is executable, and running
 * it tells the user the account is not available.
 *
 * @example
 * ```ts
 * await accountProblem({ name: "bob", uid: 1001, gid: 1001, home: "/home/bob", shell: "/bin/bash" }, { locked: true, expired: false });
 * // "User bob not allowed because account is locked"
 * ```
 */
export async function accountProblem(account: UserInfo, shadow?: ShadowStatus): Promise<string | undefined> {
  const who = `User ${printable(account.name)} not allowed because`;
  if (shadow?.expired) return `${who} account has expired`;
  if (shadow?.locked) return `${who} account is locked`;
  const shell = account.shell || "/bin/sh";
  let info;
  try {
    info = await stat(shell);
  } catch {
    return `${who} shell ${printable(shell)} does not exist`;
  }
  if (!info.isFile() || (info.mode & 0o111) === 0) return `${who} shell ${printable(shell)} is not executable`;
  return undefined;
}
