/**
 * E2E: hostile or broken clients against tsshd started as users start it —
 * each ends only its own connection, with a log line, and the server keeps
 * serving real clients.
 */
import { assert, assertEquals } from "../_helpers/assert.ts";
import { eachFlavor, run } from "./_harness.ts";

async function rawConnect(port: number): Promise<Deno.TcpConn> {
  return await Deno.connect({ hostname: "127.0.0.1", port });
}

/** Read until EOF (or the timeout); returns what arrived and whether the server closed. */
async function readToEnd(conn: Deno.TcpConn, ms: number): Promise<{ bytes: Uint8Array; closed: boolean }> {
  const parts: Uint8Array[] = [];
  const buf = new Uint8Array(65536);
  const deadline = Date.now() + ms;
  let closed = false;
  const timer = setTimeout(() => conn.close(), ms);
  try {
    while (Date.now() < deadline) {
      const n = await conn.read(buf);
      if (n === null) {
        closed = true;
        break;
      }
      parts.push(buf.slice(0, n));
    }
  } catch {
    // closed by our timer
  } finally {
    clearTimeout(timer);
  }
  try {
    conn.close();
  } catch { /* already */ }
  const out = new Uint8Array(parts.reduce((a, b) => a + b.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return { bytes: out, closed };
}

eachFlavor(
  "hostile: a client that never finishes key exchange is cut at --login-grace-time",
  async ({ server, ssh }) => {
    const conn = await rawConnect(server.port);
    await conn.write(new TextEncoder().encode("SSH-2.0-slowloris\r\n")); // and then nothing
    const started = Date.now();
    const r = await readToEnd(conn, 8000);
    assert(r.closed, "the server did not close the connection");
    assert(Date.now() - started < 6000, "closed far later than the 2 s grace time");
    await server.waitFor(/Timeout before authentication for 127\.0\.0\.1 port \d+/);
    const ok = await run("ssh", [...ssh(), "echo still-serving"]);
    assertEquals(ok.text, "still-serving\n");
  },
  ["--login-grace-time", "2"],
);

eachFlavor(
  "hostile: garbage, a huge packet length and an early disconnect end only their own connections",
  async ({ server, ssh }) => {
    const garbage = await rawConnect(server.port);
    await garbage.write(crypto.getRandomValues(new Uint8Array(4096)).map((b) => (b === 10 ? 11 : b)));
    assert((await readToEnd(garbage, 5000)).closed);
    const huge = await rawConnect(server.port);
    await huge.write(new TextEncoder().encode("SSH-2.0-x\r\n"));
    await huge.write(new Uint8Array([0x7f, 0xff, 0xff, 0xf0, 4, 20, 0, 0]));
    const h = await readToEnd(huge, 5000);
    assert(h.closed);
    const early = await rawConnect(server.port);
    early.close();
    await server.waitFor(/Bad packet length/);
    const ok = await run("ssh", [...ssh(), "echo still-serving"]);
    assertEquals(ok.code, 0, ok.stderr);
    assertEquals(ok.text, "still-serving\n");
  },
);
