/**
 * The default logger: one line per event on stderr, in sshd's words and,
 * by default, in the shape of a syslog line so that log tools written for
 * sshd — fail2ban's stock `sshd` filter in particular — read it unchanged:
 *
 * ```
 * 2026-11-21T15:00:00.123Z tsshd sshd[4242]: Failed publickey for alice from 192.0.2.7 port 50022 ssh2: ED25519 SHA256:…
 * ```
 *
 * `sshd[ID]` plays the part of sshd's per-connection process id: ID numbers
 * the client connection a line is about (the first `IP port PORT` in it),
 * counting up from tsshd's own pid, which lines about no connection carry.
 * fail2ban groups lines by this prefix, so lines of concurrent connections
 * must not share it (a shared one lets one user's "Accepted" line count as a
 * failure of another connection). Warnings start with `warning: `, debug
 * lines with `debug1: `, as sshd marks its levels.
 *
 * The `bare` format prints the message alone (with the level mark), for a
 * supervisor such as journald that adds time, host and ident itself.
 *
 * @module
 */
import process from "node:process";
import type { Logger } from "../ssh/config.ts";
import { parseIp } from "./addr_match.ts";

/** Verbosity: 0 = warnings only, 1 = info (default), 2 = debug. */
export type LogLevel = 0 | 1 | 2;

/**
 * Line shapes: `syslog` = `TIME tsshd sshd[ID]: message`; `bare` = the message alone.
 *
 * @example
 * ```ts
 * const log = stderrLogger(1, undefined, "bare" satisfies LogFormat);
 * ```
 */
export type LogFormat = "syslog" | "bare";

/** Every {@link LogFormat}, the default first. */
export const LOG_FORMATS: readonly LogFormat[] = ["syslog", "bare"];

/** Connections remembered for their ids before the oldest is forgotten. */
const MAX_CONNECTION_IDS = 10_000;

/**
 * A logger writing to a sink (stderr by default).
 *
 * @example
 * ```ts
 * const log = stderrLogger(1, (line) => console.error(line));
 * log.info("Failed publickey for alice from 192.0.2.7 port 50022 ssh2");
 * // 2026-11-21T15:00:00.123Z tsshd sshd[4243]: Failed publickey for alice from 192.0.2.7 port 50022 ssh2
 * ```
 */
export function stderrLogger(level: LogLevel = 1, sink?: (line: string) => void, format: LogFormat = "syslog"): Logger {
  const out = sink ?? ((line: string) => writeStderr(line));
  const ids = connectionIds(process.pid);
  const make = (idOf: (msg: string) => number): Logger => {
    const line = format === "bare"
      ? (mark: string, msg: string) => out(`${mark}${msg}`)
      : (mark: string, msg: string) => out(`${new Date().toISOString()} tsshd sshd[${idOf(msg)}]: ${mark}${msg}`);
    return {
      warn: (m) => line("warning: ", m),
      info: (m) => level >= 1 && line("", m),
      debug: (m) => level >= 2 && line("debug1: ", m),
      // The engine's lines for one connection carry that connection's id, whatever the message says.
      forConnection: (peer) => {
        const id = ids.register(peer);
        return make(() => id);
      },
    };
  };
  return make(ids.lookup);
}

/**
 * A function giving each connection named in a message (`ADDR port PORT`)
 * its own number, in order of first appearance after `base`; `base` for a
 * message naming none.
 */
function connectionIds(base: number): { register(peer: string): number; lookup(message: string): number } {
  const ids = new Map<string, number>();
  let next = base;
  const idFor = (key: string) => {
    let id = ids.get(key);
    if (id === undefined) {
      id = ++next;
      if (ids.size >= MAX_CONNECTION_IDS) ids.delete(ids.keys().next().value!);
      ids.set(key, id);
    }
    return id;
  };
  return {
    /** A connection's id, made when the engine starts serving it (`ADDR port P`). */
    register: (peer) => idFor(peer.replace(" port ", " ")),
    /** For lines from outside the engine (the ops): the id of the first connection the message names. */
    lookup: (message) => {
      for (const m of message.matchAll(/ ([0-9A-Fa-f.:]+) port (\d{1,5})\b/g)) {
        if (parseIp(m[1])) return idFor(`${m[1]} ${m[2]}`);
      }
      return base;
    },
  };
}

function writeStderr(line: string): void {
  // console.error is line-buffered in both runtimes and never throws on a closed stderr.
  try {
    console.error(line);
  } catch {
    // stderr closed: nowhere left to report
  }
}
