/**
 * The default logger: one line per event on stderr, prefixed with an ISO
 * timestamp and the level, the way `sshd -D -e` prints them.
 *
 * @module
 */
import type { Logger } from "../ssh/config.ts";

/** Verbosity: 0 = warnings only, 1 = info (default), 2 = debug. */
export type LogLevel = 0 | 1 | 2;

/**
 * A logger writing to a sink (stderr by default).
 *
 * @example
 * ```ts
 * const log = stderrLogger(1, (line) => console.error(line));
 * log.info("Server listening on 0.0.0.0 port 2200.");
 * ```
 */
export function stderrLogger(level: LogLevel = 1, sink?: (line: string) => void): Logger {
  const out = sink ?? ((line: string) => writeStderr(line));
  const emit = (tag: string, msg: string) => out(`${new Date().toISOString()} ${tag} ${msg}`);
  return {
    warn: (m) => emit("WARN", m),
    info: (m) => level >= 1 && emit("INFO", m),
    debug: (m) => level >= 2 && emit("DEBUG", m),
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
