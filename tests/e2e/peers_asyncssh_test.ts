/**
 * E2E: asyncssh's `connect` with its default settings (Debian's
 * python3-asyncssh) logs in to tsshd with the ed25519 test key against a
 * known_hosts file; `run()` gives separate stdout/stderr and exit status 3;
 * 5 MiB through `cat` come back intact; a command on a PTY sees its tty and size.
 * The client script is tests/fixtures/peers/asyncssh_client.py.
 */
import { join } from "node:path";
import { assert, assertEquals } from "../_helpers/assert.ts";
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
  SYSTEM_PYTHON,
  tapKexInit,
} from "./_peers.ts";

interface AsyncsshReport extends ScriptReport {
  exec: { stdout: string; stderr: string; code: number };
  cat: { sha256: string; size: number; code: number };
  pty: { output: string; code: number };
}

eachFlavor("peers: asyncssh connect/run (defaults) — exec with exit status, 5 MiB through cat, PTY", async (t) => {
  const { server, ws } = t;
  await requireProgram(SYSTEM_PYTHON, "python3");
  const big = await randomFile(ws);
  const tap = tapKexInit(server);
  try {
    const knownHosts = join(ws.dir, "known_hosts_asyncssh");
    await Deno.writeTextFile(knownHosts, `[127.0.0.1]:${tap.port} ${await hostKeyLine(ws)}\n`);
    const script = join(ROOT, "tests", "fixtures", "peers", "asyncssh_client.py");
    const args = [script, "127.0.0.1", String(tap.port), currentUser(), ws.ids.ed25519, knownHosts, big.path];
    const rep = await runScriptClient<AsyncsshReport>("asyncssh", SYSTEM_PYTHON, args, tap, ws);
    const n = assertAlgorithmsMeet(tap, "asyncssh");
    assertClientAgrees("asyncssh", rep.negotiated!, n);

    assertEquals(rep.exec, { stdout: EXEC_CHECK.stdout, stderr: EXEC_CHECK.stderr, code: EXEC_CHECK.code });
    assertEquals(rep.cat, { sha256: big.sha, size: big.size, code: 0 });
    assertEquals(rep.pty.code, 0, rep.pty.output);
    assert(
      /^\/dev\/pts\/\d+\r?\n30 100\r?\n$/.test(rep.pty.output),
      `tty; stty size on a 100x30 PTY:\n${rep.pty.output}`,
    );
    console.log(negotiatedLine(`asyncssh ${rep.version}`, n, server.flavor));
  } finally {
    await tap.close();
  }
});
