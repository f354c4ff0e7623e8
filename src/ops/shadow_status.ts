/**
 * The two /etc/shadow facts sshd checks before letting an account in
 * without PAM (OpenSSH `platform_locked_account`): is the password field
 * locked (starts with `!`, Linux's `LOCKED_PASSWD_PREFIX`; a lone `*` is
 * *not* locked), and has the account expired (shadow(5) field 8, days since
 * the epoch, is in the past). Only root can read /etc/shadow; without it
 * nothing is locked.
 *
 * @module
 */
import { readFile } from "node:fs/promises";
import type { ShadowStatus } from "./accounts.ts";

const DAY_MS = 86_400_000;

/**
 * The status in one shadow line (`name:hash:lastchg:min:max:warn:inactive:expire:`),
 * `undefined` if the line is malformed.
 *
 * @example
 * ```ts
 * shadowStatus("bob:!$y$j9T$...:19000:0:99999:7:::", Date.now()); // { locked: true, expired: false }
 * shadowStatus("eve:*:19000:0:99999:7::1:", Date.now()); // { locked: false, expired: true }
 * ```
 */
export function shadowStatus(line: string, nowMs: number): ShadowStatus | undefined {
  const f = line.split(":");
  if (f.length < 8 || f[0] === "") return undefined;
  const expire = f[7].trim();
  const today = Math.floor(nowMs / DAY_MS);
  // glibc reads an empty field as -1 (never expires); sshd: expired when expire - today < 0.
  const expired = /^\d+$/.test(expire) && Number(expire) - today < 0;
  return { locked: f[1].startsWith("!"), expired };
}

/**
 * The shadow status of `name` from the shadow file, or `undefined` if the
 * file cannot be read or has no line for `name`.
 *
 * @example
 * ```ts
 * const s = await readShadowStatus("alice");
 * if (s?.locked) console.log("locked");
 * ```
 */
export async function readShadowStatus(
  name: string,
  path = "/etc/shadow",
  nowMs = Date.now(),
): Promise<ShadowStatus | undefined> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch {
    return undefined;
  }
  for (const line of text.split("\n")) {
    if (line.startsWith(`${name}:`)) return shadowStatus(line, nowMs);
  }
  return undefined;
}
