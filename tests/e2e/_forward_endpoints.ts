/**
 * The local ends of the forwarding e2e tests (tests/e2e/forward_*_test.ts):
 * servers to forward to (TCP and unix echo, an HTTP-like server that answers
 * only after the request's EOF, a sink that sends EOF first), a client that
 * half-closes, and what the kernel says about listening sockets.
 *
 * @module
 */

const enc = new TextEncoder();
const dec = new TextDecoder();

/** Resolve after `ms` milliseconds. @example `await sleep(100);` */
export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/**
 * Poll `check` every 25 ms until it returns true; throw after `ms`.
 *
 * @example
 * ```ts
 * await until("the socket to be removed", () => !exists(path));
 * ```
 */
export async function until(what: string, check: () => boolean | Promise<boolean>, ms = 10000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

/** Does `path` exist (without following a symlink)? @example `exists("/tmp/x.sock")` */
export function exists(path: string): boolean {
  try {
    Deno.lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

/** Where a client connects: a TCP host and port, or a unix socket path. */
export type Addr = { hostname: string; port: number } | { path: string };

function connect(addr: Addr): Promise<Deno.Conn> {
  return "path" in addr ? Deno.connect({ transport: "unix", path: addr.path }) : Deno.connect(addr);
}

/** A local server the tests forward to. */
export interface TestServer {
  /** The TCP port (0 for a unix socket). */
  port: number;
  /** Connections accepted so far. */
  accepted: number;
  close(): void;
}

function serve(listener: Deno.Listener, handle: (c: Deno.Conn) => Promise<void>): TestServer {
  const s: TestServer = {
    port: listener.addr.transport === "tcp" ? listener.addr.port : 0,
    accepted: 0,
    close: () => {
      try {
        listener.close();
      } catch { /* closed */ }
    },
  };
  (async () => {
    try {
      for await (const c of listener) {
        s.accepted++;
        handle(c).catch(() => {}).finally(() => {
          try {
            c.close();
          } catch { /* closed */ }
        });
      }
    } catch { /* listener closed */ }
  })();
  return s;
}

function listen(at: { hostname?: string; path?: string }): Deno.Listener {
  return at.path
    ? Deno.listen({ transport: "unix", path: at.path })
    : Deno.listen({ hostname: at.hostname ?? "127.0.0.1", port: 0 });
}

/**
 * An echo server: every byte comes back, and the client's EOF is answered
 * with EOF (half-close kept), so a client reads the echo to its end.
 *
 * @example
 * ```ts
 * const echo = echoServer({ hostname: "::1" });
 * ```
 */
export function echoServer(at: { hostname?: string; path?: string } = {}): TestServer {
  return serve(listen(at), async (c) => {
    const buf = new Uint8Array(65536);
    for (let n = await c.read(buf); n !== null; n = await c.read(buf)) await writeAll(c, buf.subarray(0, n));
    await c.closeWrite();
  });
}

/**
 * An HTTP-like server that reads the request until EOF, then replies
 * `got <bytes> <sha256>` and closes: it only works through a forward that
 * keeps the client's half-close.
 *
 * @example
 * ```ts
 * const http = replyAfterEofServer();
 * ```
 */
export function replyAfterEofServer(): TestServer {
  return serve(listen({}), async (c) => {
    const body = await readAll(c);
    await writeAll(c, enc.encode(`got ${body.length} ${await sha256Hex(body)}\n`));
  });
}

/** A sink server: what each connection delivered. */
export interface SinkServer extends TestServer {
  /** Byte count and SHA-256 of each finished connection, in order of EOF. */
  received: Array<{ bytes: number; sha: string }>;
}

/**
 * A sink that half-closes its side at once (EOF to the client before it has
 * sent anything), then reads everything and records it: data sent after the
 * server's EOF must still arrive in full.
 *
 * @example
 * ```ts
 * const sink = sinkServer();
 * ```
 */
export function sinkServer(): SinkServer {
  const received: SinkServer["received"] = [];
  const s = serve(listen({}), async (c) => {
    await c.closeWrite();
    const body = await readAll(c);
    received.push({ bytes: body.length, sha: await sha256Hex(body) });
  });
  return Object.assign(s, { received });
}

async function writeAll(c: Deno.Conn, data: Uint8Array): Promise<void> {
  for (let off = 0; off < data.length;) off += await c.write(data.subarray(off));
}

async function readAll(c: Deno.Conn): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let n = 0;
  const buf = new Uint8Array(65536);
  for (let got = await c.read(buf); got !== null; got = await c.read(buf)) {
    parts.push(buf.slice(0, got));
    n += got;
  }
  const out = new Uint8Array(n);
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

/** Lower-case hex SHA-256. @example `await sha256Hex(new Uint8Array())` */
export async function sha256Hex(data: Uint8Array): Promise<string> {
  const d = new Uint8Array(await crypto.subtle.digest("SHA-256", data as Uint8Array<ArrayBuffer>));
  return [...d].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** `n` random bytes. @example `randomBytes(1024 * 1024)` */
export function randomBytes(n: number): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i += 65536) crypto.getRandomValues(b.subarray(i, Math.min(n, i + 65536)));
  return b;
}

/**
 * Connect to `addr`, send `data`, half-close (`shutdown(SHUT_WR)`), and read
 * until the peer's EOF. Writing and reading run together, so an echo of a
 * payload larger than the socket buffers does not deadlock.
 *
 * @example
 * ```ts
 * const back = await exchange({ hostname: "127.0.0.1", port }, randomBytes(4096));
 * ```
 */
export async function exchange(addr: Addr, data: Uint8Array, ms = 15000): Promise<Uint8Array> {
  const c = await connect(addr);
  const timer = setTimeout(() => {
    try {
      c.close();
    } catch { /* closed */ }
  }, ms);
  try {
    const [, got] = await Promise.all([writeAll(c, data).then(() => c.closeWrite()), readAll(c)]);
    return got;
  } finally {
    clearTimeout(timer);
    try {
      c.close();
    } catch { /* closed */ }
  }
}

/**
 * {@link exchange} with a string, returning a string.
 *
 * @example
 * ```ts
 * assertEquals(await exchangeText({ path: "/tmp/echo.sock" }, "ping\n"), "ping\n");
 * ```
 */
export async function exchangeText(addr: Addr, text: string): Promise<string> {
  return dec.decode(await exchange(addr, enc.encode(text)));
}

/** Can a TCP connection to `hostname:port` be made? @example `await canConnect("127.0.0.1", 8080)` */
export async function canConnect(hostname: string, port: number): Promise<boolean> {
  try {
    (await Deno.connect({ hostname, port })).close();
    return true;
  } catch {
    return false;
  }
}

/** Can this machine bind IPv6 loopback? @example `if (hasIpv6Loopback()) …` */
export function hasIpv6Loopback(): boolean {
  try {
    Deno.listen({ hostname: "::1", port: 0 }).close();
    return true;
  } catch {
    return false;
  }
}

/** "0100007F" (little-endian words, as /proc/net/tcp writes them) to "127.0.0.1"; 32 hex digits to IPv6. */
function procAddress(hex: string): string {
  const bytes: number[] = [];
  for (let w = 0; w < hex.length; w += 8) {
    const word = hex.slice(w, w + 8).match(/../g)!.map((b) => parseInt(b, 16)).reverse();
    bytes.push(...word);
  }
  if (bytes.length === 4) return bytes.join(".");
  const groups = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i] << 8) | bytes[i + 1]).toString(16));
  return groups.join(":").replace(/^0:0:0:0:0:0:0:0$/, "::").replace(/^0:0:0:0:0:0:0:1$/, "::1");
}

/**
 * The local addresses with a TCP socket listening on `port`, read from
 * /proc/net/tcp and /proc/net/tcp6 ("127.0.0.1", "0.0.0.0", "::1", "::").
 *
 * @example
 * ```ts
 * assertEquals(listeningAddresses(port), ["127.0.0.1", "::1"]);
 * ```
 */
export function listeningAddresses(port: number): string[] {
  const found: string[] = [];
  for (const file of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    let text = "";
    try {
      text = Deno.readTextFileSync(file);
    } catch {
      continue; // no IPv6
    }
    for (const line of text.split("\n").slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f.length < 4 || f[3] !== "0A") continue; // 0A = LISTEN
      const [address, p] = f[1].split(":");
      if (parseInt(p, 16) === port) found.push(procAddress(address));
    }
  }
  return found.sort();
}

/** This machine's first non-loopback IPv4 address, if any. @example `nonLoopbackV4() // "192.0.2.2"` */
export function nonLoopbackV4(): string | undefined {
  return Deno.networkInterfaces().find((i) => i.family === "IPv4" && !i.address.startsWith("127."))?.address;
}

/** The permission bits of `path` and whether it is a socket. @example `socketMode(p) // { mode: 0o600, socket: true }` */
export function socketMode(path: string): { mode: number; socket: boolean } {
  const st = Deno.lstatSync(path);
  return { mode: (st.mode ?? 0) & 0o7777, socket: st.isSocket === true };
}
