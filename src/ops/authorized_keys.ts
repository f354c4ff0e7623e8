/**
 * The authorized-keys store of the default ops: an OpenSSH `authorized_keys`
 * file, re-read on every login so edits apply at once. A malformed line is a
 * warning naming file and line; the other lines still work.
 *
 * @module
 */
import { readFile } from "node:fs/promises";
import type { Logger } from "../ssh/config.ts";
import type { Permissions } from "../ssh/ops.ts";
import { type AuthorizedKey, findAuthorizedKey, parseAuthorizedKeys } from "../ssh/keys/authorized_keys.ts";
import type { PermitTarget } from "../ssh/keys/key_options.ts";

/**
 * Looks client keys up in one authorized_keys file.
 *
 * @example
 * ```ts
 * const store = new AuthorizedKeysFile("/home/me/.ssh/authorized_keys", logger);
 * const entry = await store.find(blob);
 * ```
 */
export class AuthorizedKeysFile {
  private warned = new Set<string>();

  constructor(readonly path: string, private logger: Logger) {}

  /** The entry for `blob`, or undefined. Unreadable file → undefined and a warning. */
  async find(blob: Uint8Array): Promise<AuthorizedKey | undefined> {
    return findAuthorizedKey(await this.entries(), blob);
  }

  /**
   * Every usable line, read now. A missing file has none (logged at debug
   * level, as sshd does); any other read error has none and is a warning.
   */
  async entries(): Promise<AuthorizedKey[]> {
    let text: string;
    try {
      text = await readFile(this.path, "utf8");
    } catch (e) {
      const message = `cannot read authorized keys file ${this.path}: ${(e as Error).message}`;
      if ((e as { code?: unknown }).code === "ENOENT") this.logger.debug(message);
      else this.warnOnce(message);
      return [];
    }
    const parsed = parseAuthorizedKeys(text, this.path);
    for (const w of parsed.warnings) this.warnOnce(w);
    return parsed.entries;
  }

  private warnOnce(message: string): void {
    // Warn once per distinct message so a broken line does not flood the log on every login.
    if (this.warned.has(message)) return;
    if (this.warned.size > 1000) this.warned.clear();
    this.warned.add(message);
    this.logger.warn(message);
  }
}

/**
 * The permissions a key line grants. Only options that restrict are mapped;
 * none can grant more than a line without options.
 */
export function permissionsFor(entry: AuthorizedKey): Permissions {
  const p: Permissions = {};
  if (entry.options.command !== undefined) p.forceCommand = entry.options.command;
  if (!entry.options.pty) p.noPty = true;
  if (!entry.options.touchRequired) p.noTouchRequired = true;
  if (entry.options.verifyRequired) p.verifyRequired = true;
  if (!entry.options.portForwarding) p.noPortForwarding = true;
  if (!entry.options.agentForwarding) p.noAgentForwarding = true;
  if (!entry.options.x11Forwarding) p.noX11Forwarding = true;
  if (entry.options.permitOpen.length) p.permitOpen = entry.options.permitOpen.map(permitText);
  if (entry.options.permitListen.length) p.permitListen = entry.options.permitListen.map(permitText);
  return p;
}

/** A parsed `permitopen`/`permitlisten` target back in `host:port` form (IPv6 in brackets). */
function permitText(t: PermitTarget): string {
  return `${t.host.includes(":") ? `[${t.host}]` : t.host}:${t.port}`;
}
