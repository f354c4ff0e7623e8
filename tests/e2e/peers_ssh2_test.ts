/**
 * E2E: the npm `ssh2` Client (the devDependency) with its default settings,
 * run under node, logs in to tsshd with the ed25519 test key and the host key
 * pinned; exec gives separate stdout/stderr and exit status 3; 5 MiB through
 * `cat` come back intact. The client script is tests/fixtures/peers/ssh2_client.mjs.
 */
import { join } from "node:path";
import { assertEquals } from "../_helpers/assert.ts";
import { currentUser, eachFlavor, ROOT } from "./_harness.ts";
import {
  assertAlgorithmsMeet,
  assertClientAgrees,
  EXEC_CHECK,
  hostKeyLine,
  negotiatedLine,
  randomFile,
  requireProgram,
  runScriptClient,
  type ScriptReport,
  tapKexInit,
} from "./_peers.ts";

interface Ssh2Report extends ScriptReport {
  exec: { stdout: string; stderr: string; code: number };
  cat: { sha256: string; size: number; code: number };
}

eachFlavor("peers: npm ssh2 Client under node (defaults) — exec with exit status, 5 MiB through cat", async (t) => {
  const { server, ws } = t;
  await requireProgram("node", "nodejs");
  const big = await randomFile(ws);
  const tap = tapKexInit(server);
  try {
    const script = join(ROOT, "tests", "fixtures", "peers", "ssh2_client.mjs");
    const args = [
      script,
      "127.0.0.1",
      String(tap.port),
      currentUser(),
      ws.ids.ed25519,
      await hostKeyLine(ws),
      big.path,
    ];
    const rep = await runScriptClient<Ssh2Report>("ssh2", "node", args, tap, ws);
    const n = assertAlgorithmsMeet(tap, "ssh2");
    assertClientAgrees("ssh2", rep.negotiated!, n);

    assertEquals(rep.exec, { stdout: EXEC_CHECK.stdout, stderr: EXEC_CHECK.stderr, code: EXEC_CHECK.code });
    assertEquals(rep.cat, { sha256: big.sha, size: big.size, code: 0 });
    console.log(negotiatedLine(`ssh2 ${rep.version}`, n, server.flavor));
  } finally {
    await tap.close();
  }
});
