/**
 * E2E: zlib@openssh.com (delayed compression) with the real OpenSSH client:
 * negotiated with `-C`, data intact both ways across rekeys, interactive
 * output not held back.
 */
import { assert, assertEquals } from "../_helpers/assert.ts";
import { eachFlavor, run } from "./_harness.ts";

eachFlavor(
  "compression: ssh -C negotiates zlib@openssh.com; text and random data survive both ways",
  async ({ ssh }) => {
    const r = await run("ssh", [
      "-v",
      "-C",
      ...ssh(),
      "yes 'compressible line of text' | head -c 4000000; head -c 1000000 /dev/urandom | od -An -tx1 | head -c 2000000",
    ]);
    assertEquals(r.code, 0, r.stderr);
    assert(/kex: server->client cipher: \S+ MAC: \S+ compression: zlib@openssh\.com/.test(r.stderr), r.stderr);
    assert(/kex: client->server cipher: \S+ MAC: \S+ compression: zlib@openssh\.com/.test(r.stderr), r.stderr);
    // the client's own statistics: what it received was compressed well below its raw size
    const incoming = /compress incoming: raw data (\d+), compressed (\d+)/.exec(r.stderr);
    assert(incoming, r.stderr);
    assert(Number(incoming[2]) * 2 < Number(incoming[1]), `poor compression: ${incoming[0]}`);

    assertEquals(r.stdout.length, 6000000);
    const text = r.text.slice(0, 4000000);
    assertEquals(text, "compressible line of text\n".repeat(Math.ceil(4000000 / 26)).slice(0, 4000000));
    const path = await Deno.makeTempFile({ prefix: "tsshd-zlib-" });
    try {
      const up = new Uint8Array(3 * 1024 * 1024);
      for (let i = 0; i < up.length; i += 65536) crypto.getRandomValues(up.subarray(i, i + 65536));
      up.fill(65, 0, 1024 * 1024); // a compressible first MiB
      await Deno.writeFile(path, up);
      const u = await run("ssh", ["-C", "-o", "RekeyLimit=512K", ...ssh(), "sha256sum"], { stdinFile: path });
      assertEquals(u.code, 0, u.stderr);
      const expected = new Uint8Array(await crypto.subtle.digest("SHA-256", up));
      assertEquals(u.text.split(" ")[0], [...expected].map((b) => b.toString(16).padStart(2, "0")).join(""));
    } finally {
      await Deno.remove(path);
    }
  },
  ["--rekey-limit", "1M"], // the server rekeys too: each NEWKEYS starts fresh zlib streams, as in OpenSSH
);

eachFlavor("compression: without -C the OpenSSH client uses none", async ({ ssh }) => {
  const r = await run("ssh", ["-v", ...ssh(), "true"]);
  assertEquals(r.code, 0, r.stderr);
  assert(/server->client cipher: \S+ MAC: \S+ compression: none/.test(r.stderr), r.stderr);
});
