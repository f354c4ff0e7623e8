/**
 * Linux (x86_64) signal numbers and their names without the `SIG` prefix,
 * as SSH `signal` and `exit-signal` messages spell them (RFC 4254 §6.9, §6.10).
 *
 * @example
 * ```ts
 * signalNumber("TERM"); // 15
 * signalName(9); // "KILL"
 * ```
 * @module
 */

const NAMES = [
  "HUP", // 1
  "INT",
  "QUIT",
  "ILL",
  "TRAP",
  "ABRT",
  "BUS",
  "FPE",
  "KILL",
  "USR1", // 10
  "SEGV",
  "USR2",
  "PIPE",
  "ALRM",
  "TERM",
  "STKFLT",
  "CHLD",
  "CONT",
  "STOP",
  "TSTP", // 20
  "TTIN",
  "TTOU",
  "URG",
  "XCPU",
  "XFSZ",
  "VTALRM",
  "PROF",
  "WINCH",
  "IO",
  "PWR", // 30
  "SYS",
] as const;

const NUMBERS = new Map<string, number>(NAMES.map((name, i) => [name, i + 1]));

/** glibc's SIGRTMIN (32 and 33 are reserved by glibc itself). */
const RTMIN = 34;
/** SIGRTMAX on Linux. */
const RTMAX = 64;

/**
 * The number of a signal given by name, with or without the `SIG` prefix, or
 * `null` if Linux has no such signal.
 *
 * @example
 * ```ts
 * signalNumber("INT"); // 2
 * signalNumber("SIGUSR1"); // 10
 * signalNumber("NOPE"); // null
 * ```
 */
export function signalNumber(name: string): number | null {
  return NUMBERS.get(name.startsWith("SIG") ? name.slice(3) : name) ?? null;
}

/**
 * The name (without `SIG`) of a signal number. Real-time signals are
 * `RTMIN+n`; numbers Linux does not define give `UNKNOWN<n>`.
 *
 * @example
 * ```ts
 * signalName(15); // "TERM"
 * signalName(35); // "RTMIN+1"
 * ```
 */
export function signalName(signo: number): string {
  if (signo >= 1 && signo <= NAMES.length) return NAMES[signo - 1];
  if (signo >= RTMIN && signo <= RTMAX) return `RTMIN+${signo - RTMIN}`;
  return `UNKNOWN${signo}`;
}
