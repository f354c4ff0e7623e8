/**
 * Hostile byte streams end only their own connection, with the right
 * DISCONNECT reason and a log line; the server goes on serving others.
 */
import { assert, assertEquals } from "../_helpers/assert.ts";
import { Server } from "../../src/ssh/server.ts";
import { createHostKey } from "../../src/ssh/keys/host_key.ts";
import { SshReader, SshWriter } from "../../src/ssh/wire.ts";
import { encodeKexInit } from "../../src/ssh/transport/kexinit.ts";
import { PacketWriter } from "../../src/ssh/transport/packet_writer.ts";
import { DISCONNECT, MSG } from "../../src/ssh/messages.ts";
import { memoryPair } from "../_helpers/memory_pair.ts";
import type { ByteStream } from "../../src/runtime/types.ts";
import { connect, crypto, hostKey } from "../_helpers/engine_fixture.ts";
import { accept, type SessionChannel } from "../../src/ssh/ops.ts";

const enc = new TextEncoder();
const peer = { address: "192.0.2.1", port: 1, localAddress: "127.0.0.1", localPort: 2200 };

function newServer(lines: string[]): Server {
  const logger = { info: (m: string) => lines.push(m), warn: (m: string) => lines.push(m), debug: () => {} };
  return new Server({ hostKeys: [createHostKey(crypto, hostKey)], ops: {}, crypto, logger });
}

/** Read everything the server sends until it closes. */
async function readAll(s: ByteStream): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for (let c = await s.read(); c; c = await s.read()) parts.push(c);
  const out = new Uint8Array(parts.reduce((a, b) => a + b.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Find plaintext packets after the server's version line; return the DISCONNECT reason if any. */
function plaintextDisconnectReason(bytes: Uint8Array): number | undefined {
  const nl = bytes.indexOf(0x0a);
  let off = nl + 1;
  while (off + 5 <= bytes.length) {
    const len = new DataView(bytes.buffer, bytes.byteOffset + off).getUint32(0);
    const payload = bytes.subarray(off + 5, off + 4 + len - bytes[off + 4]);
    if (payload[0] === MSG.DISCONNECT) return new SshReader(payload, 1).uint32();
    off += 4 + len;
  }
  return undefined;
}

const clientKexInit = (strict: boolean) =>
  encodeKexInit({
    kex: ["curve25519-sha256", ...(strict ? ["kex-strict-c-v00@openssh.com"] : [])],
    hostKey: ["ssh-ed25519"],
    encC2S: ["chacha20-poly1305@openssh.com"],
    encS2C: ["chacha20-poly1305@openssh.com"],
    macC2S: ["hmac-sha2-256"],
    macS2C: ["hmac-sha2-256"],
    compC2S: ["none"],
    compS2C: ["none"],
    langC2S: [],
    langS2C: [],
    firstKexPacketFollows: false,
  });

async function run(
  send: (c: ByteStream, w: PacketWriter) => Promise<void>,
): Promise<{ reason?: number; lines: string[] }> {
  const lines: string[] = [];
  const server = newServer(lines);
  const [a, b] = memoryPair();
  const done = server.handle(a, peer);
  const w = new PacketWriter();
  const reading = readAll(b);
  await send(b, w).catch(() => {});
  const bytes = await reading;
  await done;
  return { reason: plaintextDisconnectReason(bytes), lines };
}

Deno.test("random bytes instead of a version line end the connection", async () => {
  const r = await run(async (c) => {
    const junk = new Uint8Array(4096);
    crypto.hash("sha256", junk); // deterministic-ish filler
    for (let i = 0; i < junk.length; i++) junk[i] = (i * 131 + 7) & 0xff;
    junk.forEach((v, i) => v === 10 && (junk[i] = 11));
    await c.write(junk);
  });
  assert(r.lines.some((l) => l.includes("identification line too long")), r.lines.join("\n"));
});

Deno.test("oversized packet length → PROTOCOL_ERROR disconnect", async () => {
  const r = await run(async (c) => {
    await c.write(enc.encode("SSH-2.0-evil\r\n"));
    await c.write(new Uint8Array([0x7f, 0xff, 0xff, 0xff, 1, 2, 3, 4]));
  });
  assertEquals(r.reason, DISCONNECT.PROTOCOL_ERROR);
  assert(r.lines.some((l) => l.includes("Bad packet length")), r.lines.join("\n"));
});

Deno.test("bad padding length → PROTOCOL_ERROR disconnect", async () => {
  const r = await run(async (c) => {
    await c.write(enc.encode("SSH-2.0-evil\r\n"));
    // packet_length 12, padding_length 2 (< 4)
    await c.write(new Uint8Array([0, 0, 0, 12, 2, 20, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]));
  });
  assertEquals(r.reason, DISCONNECT.PROTOCOL_ERROR);
  assert(r.lines.some((l) => l.includes("bad padding")), r.lines.join("\n"));
});

Deno.test("truncated packet then EOF is logged as a closed connection", async () => {
  const r = await run(async (c) => {
    await c.write(enc.encode("SSH-2.0-evil\r\n"));
    await c.write(new Uint8Array([0, 0, 0, 252, 4, 20])); // 4 + 252 is block-aligned
    await c.closeWrite();
  });
  assert(r.lines.some((l) => l.includes("Connection closed by 192.0.2.1 port 1")), r.lines.join("\n"));
});

Deno.test("a non-KEX message before key exchange → PROTOCOL_ERROR", async () => {
  const r = await run(async (c, w) => {
    await c.write(enc.encode("SSH-2.0-evil\r\n"));
    await c.write(w.seal(new SshWriter().byte(MSG.SERVICE_REQUEST).string("ssh-userauth").bytes()));
  });
  assertEquals(r.reason, DISCONNECT.PROTOCOL_ERROR);
});

Deno.test("strict KEX: a second KEXINIT during the initial exchange → PROTOCOL_ERROR", async () => {
  const r = await run(async (c, w) => {
    await c.write(enc.encode("SSH-2.0-evil\r\n"));
    await c.write(w.seal(clientKexInit(true)));
    await c.write(w.seal(clientKexInit(true)));
  });
  assertEquals(r.reason, DISCONNECT.PROTOCOL_ERROR);
});

Deno.test("strict KEX: IGNORE before KEXINIT → PROTOCOL_ERROR", async () => {
  const r = await run(async (c, w) => {
    await c.write(enc.encode("SSH-2.0-evil\r\n"));
    await c.write(w.seal(new SshWriter().byte(MSG.IGNORE).string("x").bytes()));
    await c.write(w.seal(clientKexInit(true)));
  });
  assertEquals(r.reason, DISCONNECT.PROTOCOL_ERROR);
  assert(r.lines.some((l) => l.includes("strict KEX")), r.lines.join("\n"));
});

Deno.test("no common algorithm → KEY_EXCHANGE_FAILED", async () => {
  const r = await run(async (c, w) => {
    await c.write(enc.encode("SSH-2.0-evil\r\n"));
    const k = encodeKexInit({
      kex: ["diffie-hellman-group1-sha1"],
      hostKey: ["ssh-dss"],
      encC2S: ["3des-cbc"],
      encS2C: ["3des-cbc"],
      macC2S: ["hmac-md5"],
      macS2C: ["hmac-md5"],
      compC2S: ["none"],
      compS2C: ["none"],
      langC2S: [],
      langS2C: [],
      firstKexPacketFollows: false,
    });
    await c.write(w.seal(k));
  });
  assertEquals(r.reason, DISCONNECT.KEY_EXCHANGE_FAILED);
});

Deno.test("a bad curve25519 value → KEY_EXCHANGE_FAILED", async () => {
  const lines: string[] = [];
  const server = newServer(lines);
  const [a, b] = memoryPair();
  const done = server.handle(a, peer);
  const reading = readAll(b);
  const w = new PacketWriter();
  await b.write(enc.encode("SSH-2.0-evil\r\n"));
  await b.write(w.seal(clientKexInit(false)));
  await b.write(w.seal(new SshWriter().byte(MSG.KEX_ECDH_INIT).string(new Uint8Array(5)).bytes()));
  assertEquals(plaintextDisconnectReason(await reading), DISCONNECT.KEY_EXCHANGE_FAILED);
  await done;
  assert(lines.some((l) => l.includes("bad curve25519 public key length")), lines.join("\n"));
});

Deno.test("a corrupted encrypted packet → MAC error ends that connection only", async () => {
  let corrupt = false;
  const ops = {
    authenticate: () => accept(),
    session: () => ({
      exec: (_c: string, ch: SessionChannel) => {
        ch.exit({ code: 0 });
        return true;
      },
    }),
  };
  const tamper = (s: ByteStream): ByteStream => ({
    ...s,
    read: async () => {
      const c = await s.read();
      if (c && corrupt && c.length >= 32) { // a whole packet, not a lone length field
        corrupt = false;
        c[c.length - 1] ^= 1;
      }
      return c;
    },
    write: (d) => s.write(d),
    closeWrite: () => s.closeWrite(),
    close: () => s.close(),
  });
  const f1 = await connect(ops, {}, {}, tamper);
  const f2 = await connect(ops);
  corrupt = true;
  const closed = new Promise<void>((r) => f1.client.once("close", () => r()));
  f1.client.exec("x", () => {});
  await closed;
  await f1.done;
  assert(f1.log.lines.some((l) => l.includes("Corrupted MAC")), f1.log.lines.join("\n"));
  // the other connection still works
  const code = await new Promise<number>((resolve, rej) =>
    f2.client.exec("y", (e, ch) => e ? rej(e) : ch.on("exit", (c: number) => resolve(c)).resume())
  );
  assertEquals(code, 0);
  await f2.close();
});
