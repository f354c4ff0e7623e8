/**
 * Flow control: a client that stops reading stops the server's writer (the
 * channel window plus the transport's bounded queue), and a server that stops
 * reading stops the client (our window is only re-opened as data is consumed).
 */
import { assert, assertEquals } from "../_helpers/assert.ts";
import { accept, type SessionChannel } from "../../src/ssh/ops.ts";
import { connect } from "../_helpers/engine_fixture.ts";
import { Channel, type ChannelSink } from "../../src/ssh/channel.ts";
import { DisconnectError } from "../../src/ssh/errors.ts";
import type { ClientChannel } from "ssh2";

const MiB = 1024 * 1024;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

Deno.test("a client that stops reading stops the server's writes (bounded buffering)", async () => {
  let written = 0;
  let stop = false;
  const f = await connect({
    authenticate: () => accept(),
    session: () => ({
      exec(_cmd: string, ch: SessionChannel) {
        void (async () => {
          const chunk = new Uint8Array(64 * 1024);
          while (!stop) {
            await ch.write(chunk);
            written += chunk.length;
            // client and server share one event loop here: let timers run
            if (written % MiB === 0) await sleep(0);
          }
          ch.exit({ code: 0 });
        })();
        return true;
      },
    }),
  });
  try {
    const ch = await new Promise<ClientChannel>((res, rej) => f.client.exec("x", (e, c) => e ? rej(e) : res(c)));
    ch.pause();
    await sleep(600);
    const first = written;
    await sleep(400);
    assertEquals(written, first, "the writer must be blocked while the client does not read");
    // client window (2 MiB in ssh2) + our transport queue (1 MiB) + the in-memory socket (1 MiB) + one chunk
    assert(first <= 4 * MiB + 64 * 1024, `server buffered ${first} bytes`);
    let received = 0;
    ch.on("data", (d: Uint8Array) => (received += d.length));
    ch.resume();
    await sleep(300);
    assert(written > first + MiB, "writes resume once the client reads");
    stop = true;
    await new Promise<void>((r) => ch.on("close", () => r()));
    assert(received > first);
  } finally {
    stop = true;
    await f.close();
  }
});

Deno.test("a server that does not read stops the client; nothing is lost when it reads again", async () => {
  let total = 0;
  const f = await connect({
    authenticate: () => accept(),
    session: () => ({
      exec(_cmd: string, ch: SessionChannel) {
        void (async () => {
          await sleep(500); // not reading: the client must stall on our 2 MiB window
          for (let c = await ch.read(); c; c = await ch.read()) total += c.length;
          await ch.write(new TextEncoder().encode(String(total)));
          ch.exit({ code: 0 });
        })();
        return true;
      },
    }),
  });
  try {
    const out = await new Promise<string>((res, rej) =>
      f.client.exec("x", (e, ch) => {
        if (e) return rej(e);
        let s = "";
        ch.on("data", (d: Uint8Array) => (s += new TextDecoder().decode(d)));
        ch.on("close", () => res(s));
        const block = new Uint8Array(256 * 1024);
        let n = 0;
        const pump = () => {
          while (n < 64) {
            n++;
            if (!ch.write(block)) return void ch.once("drain", pump);
          }
          ch.end();
        };
        pump();
      })
    );
    assertEquals(out, String(16 * MiB));
  } finally {
    await f.close();
  }
});

Deno.test("data beyond our window is a protocol error (the peer ignored flow control)", () => {
  const sink: ChannelSink = { send() {}, sendWith() {}, waitWritable: () => Promise.resolve(), release() {} };
  const ch = new Channel(sink, 0, 0, 1000, 1000, 4096, 4096);
  ch.receiveData(new Uint8Array(4000));
  let err: unknown;
  try {
    ch.receiveData(new Uint8Array(97));
  } catch (e) {
    err = e;
  }
  assert(err instanceof DisconnectError && err.message.includes("window"), String(err));
  let big: unknown;
  try {
    new Channel(sink, 1, 1, 1000, 1000, 1 << 20, 4096).receiveData(new Uint8Array(5000));
  } catch (e) {
    big = e;
  }
  assert(big instanceof DisconnectError && big.message.includes("max"), String(big));
});
