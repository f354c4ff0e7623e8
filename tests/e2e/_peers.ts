/**
 * Helpers for the "real peers" e2e tests (PuTTY, paramiko, asyncssh,
 * Dropbear, the npm ssh2 client, OpenSSH — each with its default settings).
 *
 * The centre piece is {@link tapKexInit}: a transparent TCP relay in front of
 * tsshd that reads the two cleartext `SSH_MSG_KEXINIT` packets of every
 * connection and works out, by the rules of RFC 4253 §7.1, what the client
 * and tsshd agree on. That gives every client — including those with no
 * verbose output, like `dbclient` — one `NEGOTIATED <client>: …` line, and
 * when a client cannot connect it names the category with no common algorithm
 * instead of leaving a vague client error.
 *
 * @module
 */
import { join } from "node:path";
import { assert, assertEquals } from "../_helpers/assert.ts";
import { run, type RunningServer, type Workspace } from "./_harness.ts";

/** The Debian interpreter: python3-paramiko and python3-asyncssh install into its dist-packages (not pyenv's). */
export const SYSTEM_PYTHON = "/usr/bin/python3";

/** One side's KEXINIT name-lists (RFC 4253 §7.1), plus its version banner. */
export interface KexInit {
  banner: string;
  kex: string[];
  hostKey: string[];
  cipherCs: string[];
  cipherSc: string[];
  macCs: string[];
  macSc: string[];
  compCs: string[];
  compSc: string[];
}

/** What one connection negotiated; `null` where the two lists have nothing in common. */
export interface Negotiated {
  clientBanner: string;
  kex: string | null;
  hostKey: string | null;
  cipherCs: string | null;
  cipherSc: string | null;
  /** `"implicit"` for AEAD ciphers, which carry their own MAC. */
  macCs: string | null;
  macSc: string | null;
  compCs: string | null;
  compSc: string | null;
  strictKex: boolean;
}

/** One connection seen by the tap. */
export interface TappedConnection {
  client?: KexInit;
  server?: KexInit;
}

/** A running KEXINIT tap: connect clients to `port` instead of tsshd's. */
export interface KexTap {
  port: number;
  connections: TappedConnection[];
  /** The negotiation of connection `i` (default: the first); throws if its KEXINITs were not both seen. */
  negotiated(i?: number): Negotiated;
  /** A human explanation of connection `i`'s negotiation, naming every category without a common algorithm. */
  diagnosis(i?: number): string;
  close(): Promise<void>;
}

/** Ciphers that authenticate packets themselves (the MAC lists are then ignored). */
const AEAD = new Set([
  "chacha20-poly1305@openssh.com",
  "aes128-gcm@openssh.com",
  "aes256-gcm@openssh.com",
  "AEAD_AES_128_GCM",
  "AEAD_AES_256_GCM",
]);

const dec = new TextDecoder();

/**
 * Collects the start of one direction of an SSH stream until it holds the
 * version line and the first binary packet, then parses that packet as a
 * KEXINIT. Gives up (leaves `result` unset) after 256 KiB or on a first
 * packet that is not a KEXINIT.
 */
class KexInitReader {
  #buf = new Uint8Array(0);
  #done = false;
  result: KexInit | undefined;

  push(chunk: Uint8Array): void {
    if (this.#done) return;
    const next = new Uint8Array(this.#buf.length + chunk.length);
    next.set(this.#buf);
    next.set(chunk, this.#buf.length);
    this.#buf = next;
    let parsed: KexInit | null = null;
    let malformed = false;
    try {
      parsed = parseKexInit(this.#buf);
    } catch {
      malformed = true; // not the SSH start we expected: stop looking (the relay goes on)
    }
    if (parsed || malformed || this.#buf.length > 256 * 1024) {
      this.result = parsed ?? undefined;
      this.#done = true;
      this.#buf = new Uint8Array(0);
    }
  }
}

/** Parse `banner lines… SSH-… \n packet` from the start of a stream, or `null` if incomplete. */
function parseKexInit(b: Uint8Array): KexInit | null {
  let pos = 0;
  let banner = "";
  for (;;) {
    const nl = b.indexOf(10, pos);
    if (nl < 0) return null;
    const line = dec.decode(b.subarray(pos, nl)).replace(/\r$/, "");
    pos = nl + 1;
    if (line.startsWith("SSH-")) {
      banner = line;
      break;
    }
  }
  if (b.length < pos + 5) return null;
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const packetLength = dv.getUint32(pos);
  const padding = b[pos + 4];
  if (b.length < pos + 4 + packetLength) return null;
  const payload = b.subarray(pos + 5, pos + 4 + packetLength - padding);
  if (payload[0] !== 20) throw new Error(`first packet is type ${payload[0]}, not SSH_MSG_KEXINIT`);
  let p = 17; // type byte + 16-byte cookie
  const lists: string[][] = [];
  for (let i = 0; i < 10; i++) {
    const len = new DataView(payload.buffer, payload.byteOffset + p, 4).getUint32(0);
    const s = dec.decode(payload.subarray(p + 4, p + 4 + len));
    lists.push(s === "" ? [] : s.split(","));
    p += 4 + len;
  }
  const [kex, hostKey, cipherCs, cipherSc, macCs, macSc, compCs, compSc] = lists;
  return { banner, kex, hostKey, cipherCs, cipherSc, macCs, macSc, compCs, compSc };
}

/** The first algorithm of the client's list that the server also lists (RFC 4253 §7.1). */
function pick(client: string[], server: string[]): string | null {
  return client.find((a) => server.includes(a)) ?? null;
}

/**
 * Apply RFC 4253 §7.1 to a client's and a server's KEXINIT.
 *
 * @example
 * ```ts
 * const n = negotiate(tap.connections[0].client!, tap.connections[0].server!);
 * console.log(n.cipherCs);
 * ```
 */
export function negotiate(c: KexInit, s: KexInit): Negotiated {
  const cipherCs = pick(c.cipherCs, s.cipherCs);
  const cipherSc = pick(c.cipherSc, s.cipherSc);
  const mac = (cipher: string | null, cl: string[], sl: string[]) =>
    cipher !== null && AEAD.has(cipher) ? "implicit" : pick(cl, sl);
  return {
    clientBanner: c.banner,
    kex: pick(c.kex.filter((k) => !isKexPseudo(k)), s.kex.filter((k) => !isKexPseudo(k))),
    hostKey: pick(c.hostKey, s.hostKey),
    cipherCs,
    cipherSc,
    macCs: mac(cipherCs, c.macCs, s.macCs),
    macSc: mac(cipherSc, c.macSc, s.macSc),
    compCs: pick(c.compCs, s.compCs),
    compSc: pick(c.compSc, s.compSc),
    strictKex: c.kex.includes("kex-strict-c-v00@openssh.com") && s.kex.includes("kex-strict-s-v00@openssh.com"),
  };
}

/** Markers that ride in the KEX list but are not key exchange methods. */
function isKexPseudo(name: string): boolean {
  return /^ext-info-[cs]$|^kex-strict-[cs]-v00@openssh\.com$|^kexguess2@matt\.ucc\.asn\.au$/.test(name);
}

function both(a: string | null, b: string | null): string {
  return a === b ? String(a) : `c2s:${a},s2c:${b}`;
}

/**
 * The one-line summary the closing notes collect, e.g.
 * `NEGOTIATED plink: kex=curve25519-sha256 hostkey=ssh-ed25519 cipher=… mac=implicit comp=none strict-kex=yes …`.
 *
 * @example
 * ```ts
 * console.log(negotiatedLine("plink", tap.negotiated(), "deno"));
 * ```
 */
export function negotiatedLine(client: string, n: Negotiated, flavor: string): string {
  return `NEGOTIATED ${client}: kex=${n.kex} hostkey=${n.hostKey} cipher=${both(n.cipherCs, n.cipherSc)} ` +
    `mac=${both(n.macCs, n.macSc)} comp=${both(n.compCs, n.compSc)} strict-kex=${n.strictKex ? "yes" : "no"} ` +
    `client="${n.clientBanner}" server=${flavor}`;
}

function explain(c: KexInit, s: KexInit): string {
  const n = negotiate(c, s);
  const rows: Array<[string, string | null, string[], string[]]> = [
    ["key exchange", n.kex, c.kex, s.kex],
    ["host key", n.hostKey, c.hostKey, s.hostKey],
    ["cipher client->server", n.cipherCs, c.cipherCs, s.cipherCs],
    ["cipher server->client", n.cipherSc, c.cipherSc, s.cipherSc],
    ["MAC client->server", n.macCs, c.macCs, s.macCs],
    ["MAC server->client", n.macSc, c.macSc, s.macSc],
    ["compression client->server", n.compCs, c.compCs, s.compCs],
    ["compression server->client", n.compSc, c.compSc, s.compSc],
  ];
  const missing = rows.filter((r) => r[1] === null);
  if (missing.length === 0) return `algorithms agree: ${negotiatedLine("client", n, "-")}`;
  return missing.map(([what, , cl, sl]) =>
    `NO COMMON ${what.toUpperCase()} ALGORITHM: the client offers [${cl.join(",")}], tsshd offers [${sl.join(",")}]`
  ).join("\n");
}

async function writeAll(conn: Deno.Conn, data: Uint8Array): Promise<void> {
  let off = 0;
  while (off < data.length) off += await conn.write(data.subarray(off));
}

/** Relay `src` → `dst`, showing every chunk to `seen` first; half-close `dst` at EOF. */
async function relay(src: Deno.Conn, dst: Deno.Conn, seen: (c: Uint8Array) => void): Promise<void> {
  const buf = new Uint8Array(64 * 1024);
  for (;;) {
    const n = await src.read(buf);
    if (n === null) break;
    const chunk = buf.subarray(0, n);
    seen(chunk);
    await writeAll(dst, chunk);
  }
  await dst.closeWrite();
}

/**
 * Start a transparent relay on a free loopback port in front of `server`
 * that records the KEXINITs of every connection.
 *
 * @example
 * ```ts
 * const tap = tapKexInit(server);
 * await run("dbclient", ["-p", String(tap.port), "user@127.0.0.1", "true"]);
 * console.log(negotiatedLine("dbclient", tap.negotiated(), server.flavor));
 * await tap.close();
 * ```
 */
export function tapKexInit(server: RunningServer): KexTap {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  const connections: TappedConnection[] = [];
  const open = new Set<Deno.Conn>();
  const tasks: Promise<void>[] = [];
  const serve = async () => {
    for await (const down of listener) {
      const rec: TappedConnection = {};
      connections.push(rec);
      tasks.push(
        (async () => {
          let up: Deno.TcpConn;
          try {
            up = await Deno.connect({ hostname: "127.0.0.1", port: server.port });
          } catch {
            down.close();
            return;
          }
          // Without this, Nagle + delayed ACKs stall small-window clients (dbclient) through the relay.
          down.setNoDelay(true);
          up.setNoDelay(true);
          open.add(down);
          open.add(up);
          const fromClient = new KexInitReader();
          const fromServer = new KexInitReader();
          const closeBoth = () => {
            for (const c of [down, up]) {
              if (open.delete(c)) {
                try {
                  c.close();
                } catch { /* already closed */ }
              }
            }
          };
          const a = relay(down, up, (c) => {
            fromClient.push(c);
            rec.client ??= fromClient.result;
          }).catch(closeBoth);
          const b = relay(up, down, (c) => {
            fromServer.push(c);
            rec.server ??= fromServer.result;
          }).catch(closeBoth);
          await Promise.all([a, b]);
          closeBoth();
        })().catch(() => {}),
      );
    }
  };
  const serving = serve().catch(() => {});
  const get = (i: number) => {
    const c = connections[i];
    if (!c) return { error: `the tap saw no connection #${i} (the client never connected)` };
    if (!c.client) return { error: "no KEXINIT from the client was seen (the connection ended before key exchange)" };
    if (!c.server) return { error: "no KEXINIT from tsshd was seen (the connection ended before key exchange)" };
    return { client: c.client, server: c.server };
  };
  return {
    port,
    connections,
    negotiated(i = 0) {
      const g = get(i);
      if ("error" in g) throw new Error(g.error);
      return negotiate(g.client, g.server);
    },
    diagnosis(i = 0) {
      const g = get(i);
      return "error" in g ? g.error! : explain(g.client, g.server);
    },
    async close() {
      listener.close();
      await serving;
      for (const c of open) {
        try {
          c.close();
        } catch { /* already closed */ }
      }
      open.clear();
      await Promise.all(tasks);
    },
  };
}

/**
 * Fail unless every category found a common algorithm on connection `i`;
 * the message lists both sides' offers for what is missing.
 *
 * @example
 * ```ts
 * assertAlgorithmsMeet(tap, "PuTTY plink");
 * ```
 */
export function assertAlgorithmsMeet(tap: KexTap, client: string, i = 0): Negotiated {
  const d = tap.diagnosis(i);
  assert(d.startsWith("algorithms agree"), `${client} (default settings) and tsshd do not meet:\n${d}`);
  return tap.negotiated(i);
}

/** What a client says it negotiated (only the fields it reports); compared with the tap's reading. */
export type ClientView = Partial<Omit<Negotiated, "clientBanner" | "strictKex">>;

/**
 * Fail if the client's own account of the negotiation contradicts the tap's
 * (MACs are not compared under AEAD ciphers, whose MAC each client names differently).
 *
 * @example
 * ```ts
 * assertClientAgrees("ssh2", { kex: handshake.kex, cipherCs: handshake.cs.cipher }, tap.negotiated());
 * ```
 */
export function assertClientAgrees(client: string, view: ClientView, n: Negotiated): void {
  for (const [k, v] of Object.entries(view) as Array<[keyof ClientView, string | null | undefined]>) {
    if (v === undefined) continue;
    if ((k === "macCs" || k === "macSc") && n[k] === "implicit") continue;
    assert(v === n[k], `${client} says ${k}=${v}, but the KEXINITs on the wire give ${n[k]}`);
  }
}

/** Result of a client run. */
export interface PeerRun {
  code: number;
  stdout: Uint8Array;
  text: string;
  stderr: string;
}

/**
 * Run a client to completion with a private HOME (so no client writes into
 * the real one), optional stdin from a file, and a kill timer.
 *
 * @example
 * ```ts
 * const r = await runPeer("plink", ["-V"], { home: ws.dir });
 * ```
 */
export async function runPeer(
  cmd: string,
  args: string[],
  opts: { home: string; stdinFile?: string; timeoutMs?: number },
): Promise<PeerRun> {
  const env: Record<string, string> = { HOME: opts.home, PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin", LANG: "C" };
  return await run(cmd, args, { stdinFile: opts.stdinFile, timeoutMs: opts.timeoutMs ?? 30000, env, cwd: opts.home });
}

/**
 * Fail with a clear message when a client program is not installed (CI
 * installs it through .ci/run; a missing client is a failure, not a skip).
 * `program` is looked up on PATH, or taken as is when it contains a `/`.
 *
 * @example
 * ```ts
 * await requireProgram("plink", "putty-tools");
 * ```
 */
export async function requireProgram(program: string, debianPackage: string): Promise<void> {
  const dirs = program.includes("/") ? [""] : (Deno.env.get("PATH") ?? "").split(":");
  for (const dir of dirs) {
    try {
      const st = await Deno.stat(dir === "" && program.includes("/") ? program : join(dir || ".", program));
      if (st.isFile) return;
    } catch { /* not here */ }
  }
  throw new Error(`${program} is not installed: apt-get install ${debianPackage} (.ci/run does this)`);
}

/** The payload of the bulk checks: 5 MiB of random bytes in `ws.dir`, and its SHA-256. */
export async function randomFile(ws: Workspace, mib = 5): Promise<{ path: string; size: number; sha: string }> {
  const data = new Uint8Array(mib * 1024 * 1024);
  for (let i = 0; i < data.length; i += 65536) crypto.getRandomValues(data.subarray(i, i + 65536));
  const path = join(ws.dir, "payload.bin");
  await Deno.writeFile(path, data);
  return { path, size: data.length, sha: await sha256Hex(data) };
}

/** Lower-case hex SHA-256 of `data`. */
export async function sha256Hex(data: Uint8Array): Promise<string> {
  const d = new Uint8Array(await crypto.subtle.digest("SHA-256", data as Uint8Array<ArrayBuffer>));
  return [...d].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** `ssh-ed25519 AAAA…` of the test host key (first two fields of the .pub). */
export async function hostKeyLine(ws: Workspace): Promise<string> {
  return (await Deno.readTextFile(ws.hostKey + ".pub")).trim().split(/\s+/).slice(0, 2).join(" ");
}

/** `SHA256:…` fingerprint of the test host key, as PuTTY's `-hostkey` and OpenSSH print it. */
export async function hostKeyFingerprint(ws: Workspace): Promise<string> {
  const blob = Uint8Array.from(atob((await hostKeyLine(ws)).split(" ")[1]), (c) => c.charCodeAt(0));
  const d = new Uint8Array(await crypto.subtle.digest("SHA-256", blob));
  return "SHA256:" + btoa(String.fromCharCode(...d)).replace(/=+$/, "");
}

/** The command every client runs for the exec check, and what must come back. */
export const EXEC_CHECK = {
  command: "echo out; echo err >&2; exit 3",
  stdout: "out\n",
  stderr: "err\n",
  code: 3,
};

/** The common shape of what the scripted clients (tests/fixtures/peers/) print. */
export interface ScriptReport {
  version?: string;
  error?: string;
  negotiated?: ClientView;
}

/**
 * Run one of the scripted clients in tests/fixtures/peers/ and parse the one
 * JSON report it prints. Fails with the tap's algorithm diagnosis when the
 * client and tsshd have no algorithm in common, else with the client's error.
 *
 * @example
 * ```ts
 * const rep = await runScriptClient<MyReport>("asyncssh", SYSTEM_PYTHON, [script, ...], tap, ws);
 * ```
 */
export async function runScriptClient<T extends ScriptReport>(
  client: string,
  cmd: string,
  args: string[],
  tap: KexTap,
  ws: Workspace,
): Promise<T> {
  const r = await runPeer(cmd, args, { home: ws.dir, timeoutMs: 60000 });
  let rep: T;
  try {
    rep = JSON.parse(r.text);
  } catch {
    throw new Error(`the ${client} client script printed no report (exit ${r.code}):\n${r.text}\n${r.stderr}`);
  }
  if (rep.error && tap.connections.length > 0) assertAlgorithmsMeet(tap, `${client} ${rep.version ?? ""}`);
  assert(!rep.error, `${client} ${rep.version ?? ""}: ${rep.error}\n${r.stderr}`);
  assertEquals(r.code, 0, r.stderr);
  return rep;
}
