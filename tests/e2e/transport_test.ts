/**
 * E2E: what `ssh -vvv` negotiates with tsshd by default and on request,
 * strict KEX, EXT_INFO, keepalives, and ssh-keyscan.
 */
import { assert, assertEquals } from "../_helpers/assert.ts";
import { eachFlavor, ROOT, run } from "./_harness.ts";
import { join } from "node:path";

eachFlavor("transport: default algorithms, strict KEX and server-sig-algs", async ({ ssh }) => {
  const r = await run("ssh", ["-vvv", ...ssh(), "true"]);
  assertEquals(r.code, 0, r.stderr);
  const e = r.stderr;
  // Debian 12's OpenSSH puts sntrup761x25519 first; newer clients pick mlkem768x25519-sha256 (unit/kex_mlkem_test.ts)
  assert(/kex: algorithm: sntrup761x25519-sha512(@openssh\.com)?\r?\n/.test(e), e);
  assert(e.includes("kex: host key algorithm: ssh-ed25519"), e);
  assert(e.includes("kex: server->client cipher: chacha20-poly1305@openssh.com"), e);
  assert(e.includes("kex: client->server cipher: chacha20-poly1305@openssh.com"), e);
  assert(/will use strict KEX ordering/.test(e), "strict KEX not negotiated");
  assert(
    /peer server KEXINIT proposal[\s\S]*?KEX algorithms: [^\n]*curve25519-sha256@libssh\.org/.test(e),
    "libssh alias not offered",
  );
  const sigAlgs = /server-sig-algs=<([^>]*)>/.exec(e)?.[1];
  assertEquals(
    sigAlgs,
    "ssh-ed25519,ecdsa-sha2-nistp256,ecdsa-sha2-nistp384,ecdsa-sha2-nistp521,sk-ssh-ed25519@openssh.com,sk-ecdsa-sha2-nistp256@openssh.com,rsa-sha2-512,rsa-sha2-256",
  );
});

eachFlavor("transport: aes128-gcm and aes256-gcm when asked with -c", async ({ ssh }) => {
  for (const c of ["aes128-gcm@openssh.com", "aes256-gcm@openssh.com"]) {
    const r = await run("ssh", ["-v", "-c", c, ...ssh(), "head -c 3000000 /dev/zero | sha256sum"]);
    assertEquals(r.code, 0, r.stderr);
    assert(r.stderr.includes(`kex: server->client cipher: ${c}`), r.stderr);
    // sha256 of 3,000,000 zero bytes
    assertEquals(r.text.split(" ")[0], "35bce4eae54ec8e6cc2868baa8d157914d6ae2858811b4cc0c078c94460fa26f");
  }
});

eachFlavor("transport: keepalive@openssh.com gets REQUEST_FAILURE and the session goes on", async ({ ssh }) => {
  const r = await run("ssh", [
    "-vvv",
    "-o",
    "ServerAliveInterval=1",
    "-o",
    "ServerAliveCountMax=2",
    ...ssh(),
    "sleep 4; echo alive",
  ]);
  assertEquals(r.code, 0, r.stderr);
  assertEquals(r.text, "alive\n");
  // type 82 = SSH_MSG_REQUEST_FAILURE, the answer to each keepalive@openssh.com
  assert((r.stderr.match(/receive packet: type 82/g)?.length ?? 0) >= 2, r.stderr);
});

eachFlavor("transport: ssh-keyscan returns the host key", async ({ server }) => {
  const r = await run("ssh-keyscan", ["-p", String(server.port), "127.0.0.1"]);
  assertEquals(r.code, 0, r.stderr);
  const pub = (await Deno.readTextFile(join(ROOT, "keys", "host_ed25519.pub"))).split(/\s+/).slice(0, 2).join(" ");
  assert(r.text.includes(`[127.0.0.1]:${server.port} ${pub}`), r.text);
});
