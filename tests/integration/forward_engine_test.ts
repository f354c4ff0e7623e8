/**
 * Forwarding in the engine (src/ssh/forwarding.ts, channel_pump.ts) against
 * the npm ssh2 Client over an in-memory pair, with test ops whose streams are
 * in-memory pipes: data and half-close both ways, refusal reason codes,
 * secure-by-default refusals, Permissions enforced before the ops are asked,
 * remote forwards (port 0, forwarded-tcpip, cancel, listener clean-up), the
 * channel limit under a burst of opens, flow control both ways with bounded
 * engine memory, and hostile channel messages sent as raw packets.
 */
import { Buffer } from "node:buffer";
import type { Client, ClientChannel, TcpConnectionDetails } from "ssh2";
import { assert, assertEquals } from "../_helpers/assert.ts";
import {
  accept,
  type DirectTcpipRequest,
  type ForwardedConnect,
  type ForwardStream,
  listening,
  type OpenResult,
  openStream,
  type Permissions,
  refuseListen,
  refuseOpen,
  type ServerOps,
} from "../../src/ssh/ops.ts";
import { connect, type Fixture } from "../_helpers/engine_fixture.ts";
import { memoryPair } from "../_helpers/memory_pair.ts";
import type { ByteStream } from "../../src/runtime/types.ts";
import { Channel } from "../../src/ssh/channel.ts";
import { DISCONNECT, MSG, OPEN_FAILURE } from "../../src/ssh/messages.ts";
import { SshWriter } from "../../src/ssh/wire.ts";

const KiB = 1024;
const MiB = 1024 * KiB;
const enc = new TextEncoder();
const dec = new TextDecoder();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// ---- helpers -------------------------------------------------------------

/** Open `direct-tcpip` to `host:port` from the client. */
function forwardOut(client: Client, host: string, port: number, from = { host: "10.0.0.1", port: 5555 }) {
  return new Promise<ClientChannel>((res, rej) =>
    client.forwardOut(from.host, from.port, host, port, (e, ch) => e ? rej(e) : res(ch))
  );
}

/** The CHANNEL_OPEN_FAILURE reason code and text of a refused `direct-tcpip`. */
async function openFailure(client: Client, host: string, port: number): Promise<{ reason: number; text: string }> {
  try {
    const ch = await forwardOut(client, host, port);
    ch.close();
  } catch (e) {
    const err = e as Error & { reason?: number };
    return { reason: err.reason ?? -1, text: err.message };
  }
  throw new Error(`open to ${host}:${port} was accepted`);
}

/** Ask for a remote forward; the bound port, or the error. */
function forwardIn(client: Client, host: string, port: number): Promise<number> {
  return new Promise((res, rej) => client.forwardIn(host, port, (e, p) => e ? rej(e) : res(p)));
}

function unforwardIn(client: Client, host: string, port: number): Promise<boolean> {
  return new Promise((res) => client.unforwardIn(host, port, (e) => res(!e)));
}

/** Everything a readable ssh2 channel delivers until its end. */
function collect(ch: ClientChannel): Promise<Uint8Array> {
  return new Promise((res) => {
    const parts: Uint8Array[] = [];
    ch.on("data", (d: Uint8Array) => parts.push(new Uint8Array(d)));
    ch.once("end", () => res(concat(parts)));
  });
}

/** Everything a {@link ByteStream} delivers until its end. */
async function drain(s: ByteStream): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for (let c = await s.read(); c; c = await s.read()) parts.push(c);
  return concat(parts);
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((a, b) => a + b.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

function randomBytes(n: number): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i += 65536) crypto.getRandomValues(b.subarray(i, Math.min(n, i + 65536)));
  return b;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Write all of `data` to an ssh2 channel, honouring its back-pressure, then (optionally) EOF. */
async function writeAll(ch: ClientChannel, data: Uint8Array, end = true): Promise<void> {
  for (let off = 0; off < data.length; off += 256 * KiB) {
    if (!ch.write(Buffer.from(data.subarray(off, off + 256 * KiB)))) {
      await new Promise<void>((r) => ch.once("drain", () => r()));
    }
  }
  if (end) ch.end();
}

/** The ssh2 client's internals this file reaches into to send hand-made packets. */
interface Ssh2Internals {
  _protocol: {
    channelData(chan: number, data: Buffer): void;
    channelOpenConfirm(remote: number, local: number, window: number, maxPacket: number): void;
    channelWindowAdjust(chan: number, amount: number): void;
    _packetRW: { write: { allocStart: number; alloc(n: number): Buffer; finalize(p: Buffer): Buffer } };
    _cipher: { encrypt(p: Buffer): void };
  };
  _chanMgr: { add(cb: (err?: Error & { reason?: number }) => void): number };
}

/** Send a hand-made payload (message type byte first) on an authenticated ssh2 connection. */
function sendRaw(client: Client, payload: Uint8Array): void {
  const proto = (client as unknown as Ssh2Internals)._protocol;
  const rw = proto._packetRW.write;
  const start = rw.allocStart;
  const packet = rw.alloc(payload.length);
  packet.set(payload, start);
  proto._cipher.encrypt(rw.finalize(packet));
}

/** The DISCONNECT reason the client receives (ssh2 reports it as an error with `code`). */
function disconnectReason(client: Client): Promise<number | undefined> {
  return new Promise((res) => {
    client.once("error", (e: Error & { code?: number }) => res(typeof e.code === "number" ? e.code : undefined));
    client.once("close", () => res(undefined));
  });
}

/** Test ops: `direct-tcpip` connects to an in-memory pipe whose far end the test holds. */
interface PipeOps extends ServerOps {
  /** The far ends of accepted opens, in order. */
  far: ByteStream[];
  /** Every request the ops were asked. */
  asked: DirectTcpipRequest[];
  /** Remote-forward listens the ops were asked for. */
  listens: Array<{ host: string; port: number; connect: ForwardedConnect; closed: number }>;
}

/**
 * `directTcpip`: port 1 refuses "prohibited", 2 "connect-failed", 3
 * "resource-shortage", 4 throws, 5 returns a non-result; anything else opens a
 * pipe. `tcpipForward`: port 0 binds 43210; 666 is refused; others as asked.
 */
function pipeOps(permissions: Permissions = {}, pipeLimit = 1 * MiB): PipeOps {
  const ops: PipeOps = {
    far: [],
    asked: [],
    listens: [],
    authenticate: () => accept(permissions),
    directTcpip(req): OpenResult {
      ops.asked.push(req);
      if (req.port === 1) return refuseOpen("prohibited", "not here");
      if (req.port === 2) return refuseOpen("connect-failed", "Connection refused");
      if (req.port === 3) return refuseOpen("resource-shortage", "busy");
      if (req.port === 4) throw new Error("hook bug");
      if (req.port === 5) return { decision: "open" } as unknown as OpenResult;
      const [near, far] = memoryPair(pipeLimit);
      ops.far.push(far);
      return openStream(near);
    },
    async tcpipForward(req) {
      await sleep(5); // answered asynchronously, like a real bind
      if (req.port === 666) return refuseListen("no");
      const l = { host: req.host, port: req.port === 0 ? 43210 : req.port, connect: req.connect, closed: 0 };
      ops.listens.push(l);
      return listening(l.port, () => l.closed++);
    },
  };
  return ops;
}

async function withFixture(
  ops: ServerOps,
  body: (f: Fixture) => Promise<void>,
  limits: Record<string, number> = {},
): Promise<void> {
  const f = await connect(ops, {}, { limits });
  try {
    await body(f);
  } finally {
    await f.close();
  }
}

// ---- direct-tcpip: data and half-close -------------------------------------

Deno.test("direct-tcpip: the ops get host, port and originator; 3 MiB each way at once arrive intact", async () => {
  const ops = pipeOps();
  await withFixture(ops, async (f) => {
    const ch = await forwardOut(f.client, "db.internal", 5432, { host: "192.0.2.9", port: 40001 });
    assertEquals(ops.asked, [{ host: "db.internal", port: 5432, originator: { host: "192.0.2.9", port: 40001 } }]);
    const far = ops.far[0];
    const up = randomBytes(3 * MiB);
    const down = randomBytes(3 * MiB);
    const gotDown = collect(ch);
    const gotUp = drain(far);
    const farWrites = (async () => {
      for (let off = 0; off < down.length; off += 100 * KiB) await far.write(down.subarray(off, off + 100 * KiB));
      await far.closeWrite();
    })();
    await writeAll(ch, up);
    const [u, d] = await Promise.all([gotUp, gotDown, farWrites]);
    assert(sameBytes(u, up), `client→far: ${u.length} bytes, differ`);
    assert(sameBytes(d, down), `far→client: ${d.length} bytes, differ`);
    await new Promise<void>((r) => ch.once("close", () => r()));
  });
});

Deno.test("direct-tcpip half-close: the far end answers after the client's EOF (request, EOF, response)", async () => {
  const ops = pipeOps();
  await withFixture(ops, async (f) => {
    const ch = await forwardOut(f.client, "web", 80);
    const far = ops.far[0];
    const answered = (async () => {
      const req = await drain(far); // ends only when the client's EOF reached the pipe
      await far.write(enc.encode(`got ${dec.decode(req)}`));
      await far.closeWrite();
    })();
    const reply = collect(ch);
    ch.end("GET / HTTP/1.0\r\n\r\n");
    await answered;
    assertEquals(dec.decode(await reply), "got GET / HTTP/1.0\r\n\r\n");
    await new Promise<void>((r) => ch.once("close", () => r()));
  });
});

Deno.test("direct-tcpip half-close: after the far end's EOF the client can still send", async () => {
  const ops = pipeOps();
  await withFixture(ops, async (f) => {
    const ch = await forwardOut(f.client, "web", 80);
    const far = ops.far[0];
    const fromClient = drain(far);
    const toClient = collect(ch);
    await far.write(enc.encode("banner\n"));
    await far.closeWrite();
    assertEquals(dec.decode(await toClient), "banner\n"); // the client saw EOF…
    ch.write("after the server's EOF");
    ch.end();
    assertEquals(dec.decode(await fromClient), "after the server's EOF"); // …and its data still went through
    await new Promise<void>((r) => ch.once("close", () => r()));
  });
});

Deno.test("direct-tcpip: the client closing the channel closes the ops' stream", async () => {
  const ops = pipeOps();
  await withFixture(ops, async (f) => {
    const ch = await forwardOut(f.client, "web", 80);
    const far = ops.far[0];
    ch.close();
    assertEquals(await far.read(), null);
  });
});

// ---- refusals --------------------------------------------------------------

Deno.test("direct-tcpip refusals map to RFC 4254 reason codes; a hook that throws or lies is a refusal", async () => {
  const ops = pipeOps();
  await withFixture(ops, async (f) => {
    const c = f.client;
    const prohibited = await openFailure(c, "h", 1);
    assertEquals(prohibited.reason, OPEN_FAILURE.ADMINISTRATIVELY_PROHIBITED);
    assert(prohibited.text.includes("not here"), prohibited.text);
    const failed = await openFailure(c, "h", 2);
    assertEquals(failed.reason, OPEN_FAILURE.CONNECT_FAILED);
    assert(failed.text.includes("Connection refused"), failed.text);
    assertEquals((await openFailure(c, "h", 3)).reason, OPEN_FAILURE.RESOURCE_SHORTAGE);
    assertEquals((await openFailure(c, "h", 4)).reason, OPEN_FAILURE.ADMINISTRATIVELY_PROHIBITED);
    assertEquals((await openFailure(c, "h", 5)).reason, OPEN_FAILURE.ADMINISTRATIVELY_PROHIBITED);
    assert(f.log.lines.some((l) => l.includes("hook threw")), f.log.lines.join("\n"));
    // refused opens give their slot back: the connection still opens channels
    const ch = await forwardOut(c, "h", 7);
    ch.close();
  });
});

Deno.test("an unknown channel type is refused with UNKNOWN_CHANNEL_TYPE", async () => {
  await withFixture(pipeOps(), async (f) => {
    const mgr = (f.client as unknown as Ssh2Internals)._chanMgr;
    const reason = await new Promise<number | undefined>((res) => {
      const id = mgr.add((err) => res(err?.reason));
      sendRaw(
        f.client,
        new SshWriter().byte(MSG.CHANNEL_OPEN).string("foo").uint32(id).uint32(65536).uint32(32768).bytes(),
      );
    });
    assertEquals(reason, OPEN_FAILURE.UNKNOWN_CHANNEL_TYPE);
    // the connection goes on
    (await forwardOut(f.client, "h", 7)).close();
  });
});

Deno.test("missing hooks refuse: direct-tcpip and direct-streamlocal prohibited, tcpip-forward fails", async () => {
  const f = await connect({ authenticate: () => accept() }, { strictVendor: false }); // let ssh2 send openssh_* to us
  try {
    assertEquals((await openFailure(f.client, "h", 80)).reason, OPEN_FAILURE.ADMINISTRATIVELY_PROHIBITED);
    const unix = await new Promise<number | undefined>((res) =>
      f.client.openssh_forwardOutStreamLocal("/tmp/x.sock", (e) => res((e as Error & { reason?: number })?.reason))
    );
    assertEquals(unix, OPEN_FAILURE.ADMINISTRATIVELY_PROHIBITED);
    const err = await forwardIn(f.client, "127.0.0.1", 8080).then(() => null, (e: Error) => e);
    assert(err !== null, "tcpip-forward without a hook must fail");
  } finally {
    await f.close();
  }
});

// ---- permissions -------------------------------------------------------------

Deno.test("Permissions.noPortForwarding refuses every forward even though the ops would accept; the ops are never asked", async () => {
  const ops = pipeOps({ noPortForwarding: true });
  await withFixture(ops, async (f) => {
    assertEquals((await openFailure(f.client, "h", 80)).reason, OPEN_FAILURE.ADMINISTRATIVELY_PROHIBITED);
    const err = await forwardIn(f.client, "127.0.0.1", 8080).then(() => null, (e: Error) => e);
    assert(err !== null, "tcpip-forward must fail under no-port-forwarding");
    assertEquals(ops.asked.length, 0);
    assertEquals(ops.listens.length, 0);
  });
});

Deno.test("Permissions.permitOpen limits direct-tcpip destinations before the ops are asked", async () => {
  const ops = pipeOps({ permitOpen: ["db:5432", "cache:*"] });
  await withFixture(ops, async (f) => {
    (await forwardOut(f.client, "db", 5432)).close();
    (await forwardOut(f.client, "cache", 11211)).close();
    assertEquals((await openFailure(f.client, "db", 5433)).reason, OPEN_FAILURE.ADMINISTRATIVELY_PROHIBITED);
    assertEquals((await openFailure(f.client, "other", 5432)).reason, OPEN_FAILURE.ADMINISTRATIVELY_PROHIBITED);
    assertEquals(ops.asked.map((r) => `${r.host}:${r.port}`), ["db:5432", "cache:11211"]);
  });
});

Deno.test("Permissions.permitListen limits tcpip-forward before the ops are asked", async () => {
  const ops = pipeOps({ permitListen: ["127.0.0.1:8080"] });
  await withFixture(ops, async (f) => {
    assertEquals(await forwardIn(f.client, "127.0.0.1", 8080), 8080);
    const err = await forwardIn(f.client, "127.0.0.1", 9090).then(() => null, (e: Error) => e);
    assert(err !== null, "9090 is not in permitlisten");
    const any = await forwardIn(f.client, "0.0.0.0", 8080).then(() => null, (e: Error) => e);
    assert(any !== null, "0.0.0.0 is not 127.0.0.1");
    assertEquals(ops.listens.map((l) => `${l.host}:${l.port}`), ["127.0.0.1:8080"]);
  });
});

// ---- remote forwards ---------------------------------------------------------

Deno.test("tcpip-forward port 0 replies with the allocated port; forwarded-tcpip reaches the client's 'tcp connection'", async () => {
  const ops = pipeOps();
  await withFixture(ops, async (f) => {
    const port = await forwardIn(f.client, "127.0.0.1", 0);
    assertEquals(port, 43210);
    const l = ops.listens[0];
    const incoming = new Promise<{ info: TcpConnectionDetails; ch: ClientChannel }>((res) =>
      f.client.once("tcp connection", (info, acceptConn) => res({ info, ch: acceptConn() }))
    );
    const [near, far] = memoryPair();
    const opened = l.connect(near, { host: "198.51.100.7", port: 4444 });
    const { info, ch } = await incoming;
    assertEquals(info, { destIP: "127.0.0.1", destPort: 43210, srcIP: "198.51.100.7", srcPort: 4444 });
    assertEquals(await opened, true);
    const fromClient = drain(far);
    const toClient = collect(ch);
    const up = randomBytes(3 * MiB);
    await Promise.all([
      writeAll(ch, up),
      (async () => {
        await far.write(enc.encode("hello from a connection to the listener"));
        await far.closeWrite();
      })(),
    ]);
    assert(sameBytes(await fromClient, up), "client→far differs");
    assertEquals(dec.decode(await toClient), "hello from a connection to the listener");
  });
});

Deno.test("forwarded-tcpip refused by the client: connect resolves false and the stream is closed", async () => {
  const ops = pipeOps();
  await withFixture(ops, async (f) => {
    await forwardIn(f.client, "127.0.0.1", 7000);
    f.client.once("tcp connection", (_info, _accept, rejectConn) => rejectConn());
    const [near, far] = memoryPair();
    assertEquals(await ops.listens[0].connect(near), false);
    assertEquals(await far.read(), null);
  });
});

Deno.test("cancel-tcpip-forward: an unknown forward gets REQUEST_FAILURE; a real one closes its listener once", async () => {
  const ops = pipeOps();
  await withFixture(ops, async (f) => {
    assertEquals(await unforwardIn(f.client, "127.0.0.1", 9999), false);
    await forwardIn(f.client, "127.0.0.1", 7000);
    assertEquals(await unforwardIn(f.client, "127.0.0.1", 7000), true);
    assertEquals(ops.listens[0].closed, 1);
    assertEquals(await unforwardIn(f.client, "127.0.0.1", 7000), false);
    assertEquals(ops.listens[0].closed, 1);
    // a refused listen is not registered either
    const err = await forwardIn(f.client, "127.0.0.1", 666).then(() => null, (e: Error) => e);
    assert(err !== null);
    assertEquals(await unforwardIn(f.client, "127.0.0.1", 666), false);
  });
});

Deno.test("global requests are answered in order even when a listen is slow", async () => {
  const ops = pipeOps();
  ops.tcpipForward = async (req) => {
    await sleep(req.port === 7000 ? 80 : 1);
    return listening(req.port, () => {});
  };
  await withFixture(ops, async (f) => {
    const order: number[] = [];
    await Promise.all([
      forwardIn(f.client, "127.0.0.1", 7000).then((p) => order.push(p)),
      forwardIn(f.client, "127.0.0.1", 7001).then((p) => order.push(p)),
    ]);
    // ssh2 matches replies to requests by order: a swapped reply would report 7001 first
    assertEquals(order, [7000, 7001]);
  });
});

Deno.test("every listener's close() is called when the connection ends", async () => {
  const ops = pipeOps();
  const f = await connect(ops);
  await forwardIn(f.client, "127.0.0.1", 7000);
  await forwardIn(f.client, "127.0.0.1", 0);
  assertEquals(ops.listens.map((l) => l.closed), [0, 0]);
  await f.close();
  assertEquals(ops.listens.map((l) => l.closed), [1, 1]);
});

Deno.test("a listen still pending when the connection ends is closed, not leaked", async () => {
  let closed = 0;
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const f = await connect({
    authenticate: () => accept(),
    async tcpipForward(req) {
      await gate;
      return listening(req.port, () => closed++);
    },
  });
  f.client.forwardIn("127.0.0.1", 7000, () => {});
  await sleep(50);
  await f.close();
  release();
  await sleep(20);
  assertEquals(closed, 1);
});

// ---- limits --------------------------------------------------------------------

Deno.test("1,000 direct-tcpip opens in a burst: maxChannels succeed, the rest get RESOURCE_SHORTAGE, the connection survives", async () => {
  const ops = pipeOps();
  const slow = ops.directTcpip!.bind(ops);
  ops.directTcpip = async (req, conn) => {
    await sleep(1); // connects take time: pending opens must count against the limit
    return slow(req, conn);
  };
  const maxChannels = 64;
  await withFixture(ops, async (f) => {
    const results = await Promise.all(
      Array.from({ length: 1000 }, (_, i) =>
        forwardOut(f.client, "h", 10000 + i).then(
          (ch) => ({ ch, reason: 0 }),
          (e: Error & { reason?: number }) => ({ ch: undefined, reason: e.reason ?? -1 }),
        )),
    );
    const opened = results.flatMap((r) => r.ch ? [r.ch] : []);
    const reasons = new Set(results.filter((r) => !r.ch).map((r) => r.reason));
    assertEquals(opened.length, maxChannels);
    assertEquals([...reasons], [OPEN_FAILURE.RESOURCE_SHORTAGE]);
    // the open channels work
    const far = ops.far[0];
    opened[0].write("still alive");
    assertEquals(dec.decode((await far.read())!), "still alive");
    // closing them frees the slots
    await Promise.all(opened.map((ch) =>
      new Promise<void>((r) => {
        ch.once("close", () => r());
        ch.resume(); // ssh2 emits "close" only once the readable side has ended
        ch.close();
      })
    ));
    await sleep(20);
    const again = await forwardOut(f.client, "h", 80);
    again.close();
  }, { maxChannels });
});

// ---- flow control and memory -------------------------------------------------

/** Track the largest amount of unread data any channel's inbox held (wraps Channel.receiveData). */
function trackInboxes(): { max: () => number; restore: () => void } {
  const proto = Channel.prototype as unknown as { receiveData(d: Uint8Array): void };
  const original = proto.receiveData;
  let max = 0;
  proto.receiveData = function (this: { inbox: Uint8Array[] }, d: Uint8Array) {
    original.call(this, d);
    const held = this.inbox.reduce((a, b) => a + b.length, 0);
    if (held > max) max = held;
  };
  return { max: () => max, restore: () => (proto.receiveData = original) };
}

Deno.test("a stream that never reads stops the client at our window; the inbox never exceeds it; nothing is lost", async () => {
  const window = 2 * MiB;
  const ops = pipeOps({}, 64 * KiB); // the ops' pipe holds 64 KiB, then its writes block
  const inbox = trackInboxes();
  try {
    await withFixture(ops, async (f) => {
      const ch = await forwardOut(f.client, "sink", 9);
      const far = ops.far[0];
      const data = randomBytes(8 * MiB);
      const writing = writeAll(ch, data);
      await sleep(600);
      const out = ch as unknown as { outgoing: { window: number } };
      assertEquals(out.outgoing.window, 0, "the client must have run out of window");
      const stalledAt = inbox.max();
      await sleep(300);
      assert(inbox.max() <= window, `channel inbox held ${inbox.max()} bytes, window ${window}`);
      assert(stalledAt >= window - 2 * 64 * KiB, `expected the inbox near the window, got ${stalledAt}`);
      // the far end starts reading: everything arrives, in order
      const got = await Promise.all([drain(far), writing]);
      assert(sameBytes(got[0], data), "data differs after the stall");
      assert(inbox.max() <= window, `channel inbox held ${inbox.max()} bytes, window ${window}`);
    });
  } finally {
    inbox.restore();
  }
});

Deno.test("a client that never reads stops our writes: the ops' stream stops being read", async () => {
  const chunk = 64 * KiB;
  let pulls = 0;
  let stop = false;
  const source: ForwardStream = {
    async read() {
      if (stop) return null;
      pulls++;
      if (pulls % 8 === 0) await sleep(0); // one event loop for client and server: let I/O run
      return new Uint8Array(chunk);
    },
    write: () => Promise.resolve(),
    closeWrite: () => {},
    close: () => {
      stop = true;
    },
  };
  const ops: ServerOps = { authenticate: () => accept(), directTcpip: () => openStream(source) };
  await withFixture(ops, async (f) => {
    const ch = await forwardOut(f.client, "source", 19);
    ch.pause();
    await sleep(600);
    const first = pulls;
    await sleep(400);
    assertEquals(pulls, first, "the stream must not be read while the client's window is shut");
    // ssh2 keeps re-opening its 2 MiB window until its paused stream holds 2 MiB (its highWaterMark):
    // what we pulled is bounded by those two plus the one chunk waiting for window
    assert(first * chunk <= 4 * MiB + chunk, `pulled ${first * chunk} bytes`);
    let received = 0;
    ch.on("data", (d: Uint8Array) => (received += d.length));
    ch.resume();
    await sleep(300);
    assert(pulls > first + 16, `reads must resume once the client reads (${first} → ${pulls})`);
    stop = true;
    ch.close();
    assert(received > 0);
  });
});

// ---- hostile input -------------------------------------------------------------

Deno.test("hostile: CHANNEL_DATA for a channel never opened → PROTOCOL_ERROR disconnect", async () => {
  const f = await connect(pipeOps());
  const reason = disconnectReason(f.client);
  sendRaw(f.client, new SshWriter().byte(MSG.CHANNEL_DATA).uint32(4242).string(enc.encode("x")).bytes());
  assertEquals(await reason, DISCONNECT.PROTOCOL_ERROR);
  await f.done;
  assert(f.log.lines.some((l) => l.includes("unknown channel 4242")), f.log.lines.join("\n"));
});

Deno.test("hostile: CHANNEL_DATA beyond the advertised window → PROTOCOL_ERROR disconnect", async () => {
  // The ops' stream takes nothing: after the first chunk is read (re-opening half the window) nothing is consumed.
  const stuck: ForwardStream = {
    read: () => new Promise<null>(() => {}),
    write: () => new Promise<void>(() => {}),
    closeWrite() {},
    close() {},
  };
  const f = await connect({ authenticate: () => accept(), directTcpip: () => openStream(stuck) }, {}, {
    limits: { channelWindow: 64 * KiB },
  });
  const ch = await forwardOut(f.client, "sink", 9);
  const remoteId = (ch as unknown as { outgoing: { id: number } }).outgoing.id;
  const reason = disconnectReason(f.client);
  const proto = (f.client as unknown as Ssh2Internals)._protocol;
  // 64 KiB window + 32 KiB re-opened = 96 KiB allowed; the fourth 32 KiB packet ignores the window
  for (let i = 0; i < 4; i++) proto.channelData(remoteId, Buffer.alloc(32 * KiB));
  assertEquals(await reason, DISCONNECT.PROTOCOL_ERROR);
  await f.done;
  assert(f.log.lines.some((l) => l.includes("window is 0")), f.log.lines.join("\n"));
});

Deno.test("hostile: a WINDOW_ADJUST that overflows 2^32-1 → PROTOCOL_ERROR disconnect", async () => {
  const f = await connect(pipeOps());
  const ch = await forwardOut(f.client, "sink", 9);
  const remoteId = (ch as unknown as { outgoing: { id: number } }).outgoing.id;
  const reason = disconnectReason(f.client);
  (f.client as unknown as Ssh2Internals)._protocol.channelWindowAdjust(remoteId, 0xffffffff);
  assertEquals(await reason, DISCONNECT.PROTOCOL_ERROR);
  await f.done;
  assert(f.log.lines.some((l) => l.includes("window overflow")), f.log.lines.join("\n"));
});

Deno.test("hostile: CHANNEL_OPEN_CONFIRMATION for a channel we never opened → PROTOCOL_ERROR disconnect", async () => {
  const f = await connect(pipeOps());
  const reason = disconnectReason(f.client);
  (f.client as unknown as Ssh2Internals)._protocol.channelOpenConfirm(777, 0, 65536, 32768);
  assertEquals(await reason, DISCONNECT.PROTOCOL_ERROR);
  await f.done;
  assert(f.log.lines.some((l) => l.includes("unknown channel 777")), f.log.lines.join("\n"));
});

Deno.test("hostile: a truncated direct-tcpip open → PROTOCOL_ERROR disconnect", async () => {
  const ops = pipeOps();
  const f = await connect(ops);
  const reason = disconnectReason(f.client);
  sendRaw(
    f.client,
    new SshWriter().byte(MSG.CHANNEL_OPEN).string("direct-tcpip").uint32(1).uint32(65536).uint32(32768).string("h")
      .bytes(),
  );
  assertEquals(await reason, DISCONNECT.PROTOCOL_ERROR);
  await f.done;
  assertEquals(ops.asked.length, 0);
});
