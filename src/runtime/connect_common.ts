/**
 * What the Deno and Bun `connect`/`connectUnix` share: the connect timeout
 * and the mapping of runtime errors to {@link ConnectError} codes. Names
 * neither `Deno` nor `Bun`.
 *
 * @module
 */
import { ConnectError } from "./types.ts";
import { errorCode } from "./node_common.ts";

/**
 * How long `connect` waits by default before giving up with `ETIMEDOUT`: 30 s.
 *
 * @example
 * ```ts
 * await connectWithTimeout((signal) => open(signal), DEFAULT_CONNECT_TIMEOUT_MS, "example.com:80", (c) => c.close());
 * ```
 */
export const DEFAULT_CONNECT_TIMEOUT_MS = 30_000;

/** Longer `setTimeout` delays (and `Infinity`) fire at once; this is about 24.8 days. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Runtime error codes → {@link ConnectError} codes. */
const CODES: Record<string, ConnectError["code"]> = {
  ECONNREFUSED: "ECONNREFUSED",
  ENOTFOUND: "ENOTFOUND",
  EAI_NONAME: "ENOTFOUND",
  EAI_NODATA: "ENOTFOUND",
  EAI_AGAIN: "ENOTFOUND",
  EAI_FAIL: "ENOTFOUND",
  ETIMEDOUT: "ETIMEDOUT",
  EHOSTUNREACH: "EHOSTUNREACH",
  ENETUNREACH: "ENETUNREACH",
  ENOENT: "ENOENT",
  EACCES: "EACCES",
  EPERM: "EACCES",
};

/** Deno reports failed name resolution without a `code`, only with this message. */
const LOOKUP_FAILED = /failed to lookup address information|getaddrinfo/i;

/**
 * Map an error thrown by a runtime's connect call to a {@link ConnectError}
 * whose message names the target (`host:port` or a socket path).
 *
 * @example
 * ```ts
 * toConnectError(Object.assign(new Error("refused"), { code: "ECONNREFUSED" }), "127.0.0.1:1").code; // "ECONNREFUSED"
 * toConnectError(new Error("failed to lookup address information: Name or service not known"), "x.invalid:80").code; // "ENOTFOUND"
 * ```
 */
export function toConnectError(error: unknown, target: string): ConnectError {
  if (error instanceof ConnectError) return error;
  const reason = error instanceof Error ? error.message : String(error);
  const name = error instanceof Error ? error.name : "";
  const code = CODES[errorCode(error) ?? ""] ??
    (name === "TimeoutError" ? "ETIMEDOUT" : LOOKUP_FAILED.test(reason) ? "ENOTFOUND" : "OTHER");
  const hint = code === "ENOTFOUND" ? " (the host name does not resolve)" : "";
  const mapped = new ConnectError(`cannot connect to ${target}: ${reason}${hint}`, code);
  mapped.cause = error;
  return mapped;
}

/**
 * Run `open` (handed an `AbortSignal` that fires at the deadline), and
 * reject with a {@link ConnectError} `ETIMEDOUT` if it has not settled within
 * `timeoutMs` (`Infinity` means about 24.8 days, the longest timer). A
 * connection that still arrives after the deadline is handed to `discard`. Other failures are mapped with {@link toConnectError}.
 *
 * @example
 * ```ts
 * const conn = await connectWithTimeout(
 *   (signal) => Deno.connect({ hostname: "example.com", port: 80, signal }),
 *   5000, "example.com:80", (late) => late.close());
 * ```
 */
export function connectWithTimeout<T>(
  open: (signal: AbortSignal) => Promise<T>,
  timeoutMs: number,
  target: string,
  discard: (late: T) => void,
): Promise<T> {
  const abort = new AbortController();
  return new Promise<T>((resolve, reject) => {
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      abort.abort();
      reject(new ConnectError(`cannot connect to ${target}: timed out after ${timeoutMs} ms`, "ETIMEDOUT"));
    }, Math.min(timeoutMs, MAX_TIMER_MS));
    let opening: Promise<T>;
    try {
      opening = open(abort.signal);
    } catch (error) {
      opening = Promise.reject(error);
    }
    opening.then(
      (conn) => {
        clearTimeout(timer);
        if (timedOut) discard(conn);
        else resolve(conn);
      },
      (error) => {
        clearTimeout(timer);
        if (!timedOut) reject(toConnectError(error, target));
      },
    );
  });
}
