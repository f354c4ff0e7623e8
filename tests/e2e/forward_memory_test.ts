/**
 * E2E: bulk data through `ssh -L` (real OpenSSH client, default settings)
 * with tsshd's memory watched. 256 MiB go each way between this test and a
 * local TCP endpoint, SHA-256 checked, while the tsshd process's RSS
 * (/proc/PID/status VmRSS) is sampled every 100 ms: the peak may exceed the
 * RSS measured once the tunnel is up by less than 64 MiB. Then two slow
 * readers: the far end reads at ~1 MiB/s while the client pushes as fast as
 * it can, and the client reads at ~1 MiB/s while the far end pushes; both
 * times the writer must be held back (flow control end to end) and tsshd's
 * RSS must stay within the same bound.
 *
 * Deno and Bun only (the single binary is Bun's runtime again); narrowed
 * further by TSSHD_E2E_FLAVORS like the other e2e tests.
 */
import { createHash } from "node:crypto";
import { assert, assertEquals } from "../_helpers/assert.ts";
import { type Flavor, flavors, freePort, type RunningServer, sshArgs, startServer, workspace } from "./_harness.ts";

const MiB = 1024 * 1024;
const TOTAL = 256 * MiB;
/** What tsshd's RSS may grow by during a transfer, over its RSS with the tunnel up and idle. */
const RSS_BUDGET = 64 * MiB;
/** Sent each way before the idle RSS is taken, so the runtime's heap has grown to its working size. */
const WARM = 32 * MiB;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The pid of the tsshd serving `port`: the process whose arguments hold `-p PORT` and cli.ts or dist/tsshd. */
function serverPid(port: number): number {
  const found: number[] = [];
  for (const e of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(e.name)) continue;
    let args: string[];
    try {
      args = Deno.readTextFileSync(`/proc/${e.name}/cmdline`).split("\0");
    } catch {
      continue; // gone
    }
    const p = args.indexOf("-p");
    const isTsshd = args.some((a) => a === "cli.ts" || a.endsWith("/dist/tsshd"));
    if (isTsshd && p >= 0 && args[p + 1] === String(port)) found.push(Number(e.name));
  }
  if (found.length !== 1) throw new Error(`expected one tsshd process for port ${port}, found ${found.join(",")}`);
  return found[0];
}

/** VmRSS of `pid` in bytes. */
function rss(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(Deno.readTextFileSync(`/proc/${pid}/status`));
  if (!m) throw new Error(`no VmRSS for ${pid}`);
  return Number(m[1]) * 1024;
}

/** Samples the RSS of `pid` every 100 ms until stopped. */
function sampleRss(pid: number): { stop(): { peak: number; samples: number } } {
  let peak = rss(pid);
  let samples = 1;
  const t = setInterval(() => {
    try {
      peak = Math.max(peak, rss(pid));
      samples++;
    } catch { /* exited: the test fails elsewhere */ }
  }, 100);
  return {
    stop() {
      clearInterval(t);
      peak = Math.max(peak, rss(pid));
      return { peak, samples: samples + 1 };
    },
  };
}

/** A deterministic 16 MiB block of pseudo-random bytes (xorshift), sent repeatedly. */
function block(): Uint8Array {
  const b = new Uint8Array(16 * MiB);
  const v = new Uint32Array(b.buffer);
  let x = 0x9e3779b9;
  for (let i = 0; i < v.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    v[i] = x >>> 0;
  }
  return b;
}
const BLOCK = block();

/** Write `total` bytes of {@link BLOCK} (in 1 MiB pieces), hashing them; optional pause between pieces. */
async function send(conn: Deno.Conn, total: number, pauseMs = 0, sent?: { n: number }): Promise<string> {
  const h = createHash("sha256");
  for (let off = 0; off < total;) {
    const n = Math.min(MiB, total - off);
    const piece = BLOCK.subarray(off % BLOCK.length, (off % BLOCK.length) + n);
    h.update(piece);
    for (let w = 0; w < n;) w += await conn.write(piece.subarray(w));
    off += n;
    if (sent) sent.n = off;
    if (pauseMs) await sleep(pauseMs);
  }
  await conn.closeWrite();
  return h.digest("hex");
}

/** Read to EOF, hashing; with `pace`, read 64 KiB and sleep `pace` ms each time (a slow reader). */
async function receive(conn: Deno.Conn, pace = 0, got?: { n: number }): Promise<{ n: number; sha: string }> {
  const h = createHash("sha256");
  const buf = new Uint8Array(pace ? 64 * 1024 : 256 * 1024);
  let n = 0;
  for (;;) {
    const r = await conn.read(buf);
    if (r === null) break;
    h.update(buf.subarray(0, r));
    n += r;
    if (got) got.n = n;
    if (pace) await sleep(pace);
  }
  return { n, sha: h.digest("hex") };
}

/** One local TCP endpoint; each accepted connection is handed to the current `handle`. */
function endpoint(): { port: number; next(): Promise<Deno.Conn>; close(): void } {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const it = l[Symbol.asyncIterator]();
  return {
    port: (l.addr as Deno.NetAddr).port,
    async next() {
      const r = await it.next();
      if (r.done) throw new Error("endpoint closed");
      return r.value;
    },
    close: () => l.close(),
  };
}

/** Is something listening on 127.0.0.1:`port`? (Read from /proc/net/tcp: a test connection would be forwarded.) */
function isListening(port: number): boolean {
  const hex = port.toString(16).toUpperCase().padStart(4, "0");
  return Deno.readTextFileSync("/proc/net/tcp").split("\n").some((line) => {
    const f = line.trim().split(/\s+/);
    return f[1] === `0100007F:${hex}` && f[3] === "0A";
  });
}

/** `ssh -N -L` to `target` through `server`; resolves with the local port once it accepts connections. */
async function tunnel(
  server: RunningServer,
  args: string[],
  target: number,
): Promise<{ port: number; stop(): Promise<void> }> {
  const port = freePort();
  const child = new Deno.Command("ssh", {
    args: ["-N", "-o", "ExitOnForwardFailure=yes", "-L", `127.0.0.1:${port}:127.0.0.1:${target}`, ...args],
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const stderr = new Response(child.stderr).text();
  let exited = false;
  const status = child.status.then((s) => (exited = true, s));
  const stop = async () => {
    if (!exited) {
      try {
        child.kill("SIGTERM");
      } catch { /* gone */ }
    }
    await status;
    await stderr;
  };
  const deadline = Date.now() + 15000;
  for (;;) {
    if (exited) throw new Error(`ssh -L exited early: ${await stderr}\n${server.output()}`);
    if (isListening(port)) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error("ssh -L did not listen within 15 s");
    }
    await sleep(50);
  }
  return { port, stop };
}

/** Send {@link WARM} each way through the tunnel, settle, and return tsshd's RSS then (the "idle" RSS). */
async function warmUp(port: number, far: ReturnType<typeof endpoint>, pid: number): Promise<number> {
  const near = await Deno.connect({ hostname: "127.0.0.1", port });
  const remote = await far.next();
  await Promise.all([send(near, WARM), receive(remote), send(remote, WARM), receive(near)]);
  near.close();
  remote.close();
  await sleep(500);
  return rss(pid);
}

const mb = (n: number) => (n / MiB).toFixed(1);

function memoryTest(name: string, body: (ctx: { server: RunningServer; ssh: string[]; pid: number }) => Promise<void>) {
  for (const flavor of flavors().filter((f): f is Flavor => f !== "binary")) {
    Deno.test({
      name: `[${flavor}] ${name}`,
      sanitizeResources: false,
      sanitizeOps: false,
      async fn() {
        const ws = await workspace();
        const server = await startServer(flavor, ws);
        try {
          await body({ server, ssh: sshArgs(ws, server), pid: serverPid(server.port) });
        } catch (e) {
          console.error(`--- tsshd output (${flavor}) ---\n${server.output()}`);
          throw e;
        } finally {
          await server.stop();
          await Deno.remove(ws.dir, { recursive: true });
        }
      },
    });
  }
}

memoryTest("forward memory: 256 MiB each way through ssh -L, SHA-256 checked, RSS growth < 64 MiB", async (t) => {
  const far = endpoint();
  const tun = await tunnel(t.server, t.ssh, far.port);
  try {
    const idle = await warmUp(tun.port, far, t.pid);
    const lines: string[] = [];
    for (const dir of ["upload", "download"] as const) {
      const near = await Deno.connect({ hostname: "127.0.0.1", port: tun.port });
      const remote = await far.next();
      const sampler = sampleRss(t.pid);
      const t0 = performance.now();
      const [from, to] = dir === "upload" ? [near, remote] : [remote, near];
      const gotP = receive(to).then(async (r) => { // then end the other way too, so both ends see EOF
        await to.closeWrite();
        return r;
      });
      const [sentSha, got] = await Promise.all([send(from, TOTAL), gotP, receive(from)]);
      const ms = performance.now() - t0;
      const { peak, samples } = sampler.stop();
      near.close();
      remote.close();
      assertEquals(got.n, TOTAL, `${dir}: bytes received`);
      assertEquals(got.sha, sentSha, `${dir}: SHA-256`);
      lines.push(
        `${dir} ${(TOTAL / 1e6 / (ms / 1000)).toFixed(0)} MB/s, RSS idle ${mb(idle)} MiB peak ${mb(peak)} MiB ` +
          `(+${mb(peak - idle)}, ${samples} samples)`,
      );
      assert(
        peak - idle < RSS_BUDGET,
        `${dir}: tsshd RSS grew by ${mb(peak - idle)} MiB (idle ${mb(idle)}, peak ${mb(peak)}), budget 64 MiB`,
      );
    }
    console.log(`FORWARD-MEMORY ${t.server.flavor}: ${lines.join("; ")}`);
  } finally {
    await tun.stop();
    far.close();
  }
});

memoryTest("forward memory: slow readers at either end hold the writer back; RSS stays bounded", async (t) => {
  const far = endpoint();
  const tun = await tunnel(t.server, t.ssh, far.port);
  const SLOW_MS = 4000;
  const PACE = 64; // 64 KiB per 64 ms ≈ 1 MiB/s
  try {
    const idle = await warmUp(tun.port, far, t.pid);
    const lines: string[] = [];
    for (const slowEnd of ["far end", "client"] as const) {
      const near = await Deno.connect({ hostname: "127.0.0.1", port: tun.port });
      const remote = await far.next();
      const [writer, reader] = slowEnd === "far end" ? [near, remote] : [remote, near];
      const sampler = sampleRss(t.pid);
      const sent = { n: 0 };
      const got = { n: 0 };
      const total = 64 * MiB; // far more than can be read at ~1 MiB/s in the slow phase
      const sending = send(writer, total, 0, sent);
      void sending.catch(() => {}); // awaited below; reported there
      let pace = PACE;
      const reading = (async () => {
        const h = createHash("sha256");
        const buf = new Uint8Array(64 * 1024);
        for (;;) {
          const r = await reader.read(buf);
          if (r === null) break;
          h.update(buf.subarray(0, r));
          got.n += r;
          if (pace) await sleep(pace);
        }
        return h.digest("hex");
      })();
      void reading.catch(() => {});
      await sleep(SLOW_MS);
      const ahead = sent.n - got.n;
      const { peak, samples } = sampler.stop();
      lines.push(
        `slow ${slowEnd}: read ${mb(got.n)} MiB in ${SLOW_MS / 1000} s, writer ahead by ${mb(ahead)} MiB, ` +
          `RSS +${mb(peak - idle)} MiB (${samples} samples)`,
      );
      // Sockets, ssh's buffers and two 2 MiB windows may hold some; an unbounded relay would hold ~all it was given.
      assert(ahead < 32 * MiB, `${slowEnd} slow: the writer got ${mb(ahead)} MiB ahead of the reader`);
      assert(peak - idle < RSS_BUDGET, `${slowEnd} slow: tsshd RSS grew by ${mb(peak - idle)} MiB`);
      // full speed again: the rest arrives intact
      pace = 0;
      const [sentSha, gotSha] = await Promise.all([
        sending,
        reading.then(async (sha) => {
          await reader.closeWrite();
          return sha;
        }),
        receive(writer),
      ]);
      assertEquals(got.n, total, `${slowEnd} slow: bytes received`);
      assertEquals(gotSha, sentSha, `${slowEnd} slow: SHA-256`);
      near.close();
      remote.close();
    }
    console.log(`FORWARD-SLOW ${t.server.flavor}: ${lines.join("; ")}`);
  } finally {
    await tun.stop();
    far.close();
  }
});
