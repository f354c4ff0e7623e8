/**
 * Password checks for the default ops (`password` and `keyboard-interactive`
 * methods, off unless enabled): against a tsshd password file
 * (`--password-file`, `user:hash` lines) and/or the system's /etc/shadow
 * (`--system-passwords`, root only). Unknown users, locked and expired
 * accounts spend the same time on a decoy hash, so timing does not tell
 * which names exist. Empty passwords never match unless permitted.
 *
 * @module
 */
import type { Logger } from "../ssh/config.ts";
import { checkPassword, verifyDecoy } from "./password/verify.ts";
import { PasswordFile } from "./password/password_file.ts";
import { readShadowEntry } from "./password/shadow.ts";

/** Password hash checks running at once (the rest queue), so logins cannot take every core. */
export const MAX_CONCURRENT_CHECKS = 2;

/** Where passwords come from. */
export interface PasswordOptions {
  logger: Logger;
  /** `--password-file FILE`. */
  passwordFile?: string;
  /** `--system-passwords`: /etc/shadow. */
  systemPasswords?: boolean;
  /** `--permit-empty-passwords`. Default false. */
  permitEmptyPasswords?: boolean;
}

/**
 * Verifies passwords.
 *
 * @example
 * ```ts
 * const pw = new PasswordCheck({ logger, passwordFile: "/etc/tsshd/passwords" });
 * if (await pw.verify("alice", "secret")) { … }
 * ```
 */
export class PasswordCheck {
  private file?: PasswordFile;
  /** Hash checks cost ~0.3 s of CPU each: at most this many at once, the rest wait their turn. */
  private slots = MAX_CONCURRENT_CHECKS;
  private queue: Array<() => void> = [];

  constructor(private o: PasswordOptions) {
    if (o.passwordFile) this.file = new PasswordFile(o.passwordFile, o.logger);
  }

  /** Whether password methods are enabled at all. */
  get enabled(): boolean {
    return this.file !== undefined || this.o.systemPasswords === true;
  }

  /** Does `password` match `user`'s? `user` undefined = an account that may not log in (decoy work only). */
  async verify(user: string | undefined, password: string): Promise<boolean> {
    if (this.slots === 0) await new Promise<void>((r) => this.queue.push(r));
    else this.slots--;
    try {
      return await this.check(user, password);
    } finally {
      const next = this.queue.shift();
      if (next) next();
      else this.slots++;
    }
  }

  private async check(user: string | undefined, password: string): Promise<boolean> {
    if (user === undefined || (password === "" && !this.o.permitEmptyPasswords)) return await verifyDecoy(password);
    const hash = await this.hashOf(user);
    if (hash === undefined) return await verifyDecoy(password);
    const r = await checkPassword(password, hash.hash);
    if (r.problem) this.o.logger.warn(`${hash.where}: password hash for ${user}: ${r.problem}`);
    return r.match;
  }

  private async hashOf(user: string): Promise<{ hash: string; where: string } | undefined> {
    const e = await this.file?.lookup(user);
    if (e) return { hash: e.hash, where: `${this.o.passwordFile}:${e.line}` };
    if (!this.o.systemPasswords) return undefined;
    try {
      const s = await readShadowEntry(user);
      if (!s) return undefined;
      if (s.status !== "ok") {
        this.o.logger.info(`password login for ${user} refused: account ${s.status}`);
        return undefined;
      }
      return { hash: s.hash, where: "/etc/shadow" };
    } catch (e) {
      this.o.logger.warn(`cannot read /etc/shadow: ${(e as Error).message}`);
      return undefined;
    }
  }
}
