/**
 * E2E: PuTTY's `plink` with its default settings logs in to tsshd with an
 * ed25519 key (converted to .ppk by `puttygen`), the host key pinned by
 * fingerprint; runs a command with separate stdout/stderr and exit status 3;
 * and sends 5 MiB through `cat` intact.
 */
import { join } from "node:path";
import { assert, assertEquals } from "../_helpers/assert.ts";
import { currentUser, eachFlavor } from "./_harness.ts";
import {
  assertAlgorithmsMeet,
  assertClientAgrees,
  EXEC_CHECK,
  hostKeyFingerprint,
  negotiatedLine,
  randomFile,
  requireProgram,
  runPeer,
  sha256Hex,
  tapKexInit,
} from "./_peers.ts";

eachFlavor("peers: PuTTY plink (defaults) — publickey login, exec with exit status, 5 MiB through cat", async (t) => {
  const { server, ws } = t;
  await requireProgram("plink", "putty-tools");
  await requireProgram("puttygen", "putty-tools");
  const ppk = join(ws.dir, "client_ed25519.ppk");
  const conv = await runPeer("puttygen", [ws.ids.ed25519, "-o", ppk, "-O", "private"], { home: ws.dir });
  assertEquals(conv.code, 0, `puttygen: ${conv.stderr}`);
  const tap = tapKexInit(server);
  try {
    const base = ["-batch", "-ssh", "-P", String(tap.port), "-i", ppk, "-hostkey", await hostKeyFingerprint(ws)];
    const target = `${currentUser()}@127.0.0.1`;

    const r = await runPeer("plink", [...base, target, EXEC_CHECK.command], { home: ws.dir });
    const n = assertAlgorithmsMeet(tap, "plink");
    assertEquals(r.text, EXEC_CHECK.stdout, `plink stderr: ${r.stderr}`);
    assertEquals(r.stderr, EXEC_CHECK.stderr);
    assertEquals(r.code, EXEC_CHECK.code);

    const big = await randomFile(ws);
    const c = await runPeer("plink", ["-v", ...base, target, "cat"], { home: ws.dir, stdinFile: big.path });
    assertEquals(c.code, 0, c.stderr);
    assertEquals(c.stdout.length, big.size);
    assertEquals(await sha256Hex(c.stdout), big.sha);
    // plink -v names the host key type in SSH terms ("Host key fingerprint is:\nssh-ed25519 255 SHA256:…").
    const hk = /Host key fingerprint is:\s*\n(\S+) /.exec(c.stderr)?.[1];
    assert(hk, `no host key line in plink -v output:\n${c.stderr}`);
    assertClientAgrees("plink", { hostKey: hk }, tap.negotiated(1));
    assert(/Access granted/.test(c.stderr), c.stderr);
    console.log(negotiatedLine("plink", n, server.flavor));
  } finally {
    await tap.close();
  }
});
