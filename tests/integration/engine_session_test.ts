/**
 * The engine against the npm ssh2 Client over an in-memory pair: auth with the
 * publickey two-step, exec with stdout/stderr/exit status, flow control with a
 * large transfer, signals, and secure-by-default refusals.
 */
import { assert, assertEquals, assertRejects } from "../_helpers/assert.ts";
import { accept, reject, type ServerOps, type SessionChannel } from "../../src/ssh/ops.ts";
import { timingSafeEqual } from "../../src/ssh/wire.ts";
import { clientKey, connect } from "../_helpers/engine_fixture.ts";
import type { Client, ClientChannel } from "ssh2";

const enc = new TextEncoder();

function keyOps(extra: Partial<ServerOps> = {}): ServerOps & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    authenticate(req) {
      calls.push(`${req.method}:${"verified" in req ? req.verified : "-"}`);
      if (req.method === "publickey" && req.user === "u" && timingSafeEqual(req.key.blob, clientKey.publicKey.blob)) {
        return accept();
      }
      return reject();
    },
    ...extra,
  };
}

function exec(
  client: Client,
  cmd: string,
  input?: Uint8Array,
): Promise<{ out: Uint8Array; err: string; code: number | null; signal?: string }> {
  return new Promise((resolve, rejectP) => {
    client.exec(cmd, (e: Error | undefined, ch: ClientChannel) => {
      if (e) return rejectP(e);
      const out: Uint8Array[] = [];
      let err = "";
      let code: number | null = null;
      let signal: string | undefined;
      ch.on("data", (d: Uint8Array) => out.push(new Uint8Array(d)));
      ch.stderr.on("data", (d: Uint8Array) => (err += new TextDecoder().decode(d)));
      ch.on("exit", (c: number | null, s?: string) => {
        code = c;
        signal = s;
      });
      ch.on("close", () => {
        const n = out.reduce((a, b) => a + b.length, 0);
        const all = new Uint8Array(n);
        let o = 0;
        for (const c of out) {
          all.set(c, o);
          o += c.length;
        }
        resolve({ out: all, err, code, signal });
      });
      if (input) {
        ch.end(input);
      } else ch.end();
    });
  });
}

/** An exec handler that echoes stdin to stdout (for `cat`), or prints fixed text. */
function echoSession(): ServerOps["session"] {
  return () => ({
    exec(command: string, ch: SessionChannel) {
      void (async () => {
        if (command === "cat") {
          for (let c = await ch.read(); c; c = await ch.read()) await ch.write(c);
          ch.exit({ code: 0 });
        } else if (command === "kill") {
          ch.exit({ signal: "KILL" });
        } else {
          await ch.write(enc.encode("out\n"));
          await ch.writeStderr(enc.encode("err\n"));
          ch.exit({ code: 7 });
        }
      })();
      return true;
    },
  });
}

Deno.test("publickey auth asks the ops twice and exec reports stdout, stderr, exit status", async () => {
  const ops = keyOps({ session: echoSession() });
  const f = await connect(ops);
  try {
    const r = await exec(f.client, "x");
    assertEquals(new TextDecoder().decode(r.out), "out\n");
    assertEquals(r.err, "err\n");
    assertEquals(r.code, 7);
    assert(ops.calls.includes("publickey:true"), `calls: ${ops.calls}`);
    assert(
      f.log.lines.some((l) => /Accepted publickey for u from 127\.0\.0\.1 port 50000 ssh2: ED25519 SHA256:/.test(l)),
    );
  } finally {
    await f.close();
  }
});

Deno.test("exit-signal is reported", async () => {
  const f = await connect(keyOps({ session: echoSession() }));
  try {
    const r = await exec(f.client, "kill");
    assertEquals(r.signal, "SIGKILL"); // ssh2 prefixes the wire name "KILL"
  } finally {
    await f.close();
  }
});

Deno.test("8 MiB round trip through cat with windows honoured", async () => {
  const f = await connect(keyOps({ session: echoSession() }));
  try {
    const data = new Uint8Array(8 * 1024 * 1024);
    for (let i = 0; i < data.length; i += 65536) crypto.getRandomValues(data.subarray(i, i + 65536));
    const r = await exec(f.client, "cat", data);
    assertEquals(r.out.length, data.length);
    assert(timingSafeEqual(r.out, data));
  } finally {
    await f.close();
  }
});

Deno.test("missing hooks reject: no authenticate → auth fails", async () => {
  await assertRejects(() => connect({}), Error);
});

Deno.test("authenticate returning a truthy non-result is a rejection", async () => {
  // deno-lint-ignore no-explicit-any
  const ops: ServerOps = { authenticate: (() => true) as any };
  await assertRejects(() => connect(ops), Error);
});

Deno.test("missing session hook refuses the channel", async () => {
  const f = await connect(keyOps());
  try {
    await assertRejects(() => exec(f.client, "x"), Error);
  } finally {
    await f.close();
  }
});
