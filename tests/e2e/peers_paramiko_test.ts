/**
 * E2E: paramiko's `SSHClient` with its default settings (Debian's
 * python3-paramiko) logs in to tsshd with the ed25519 test key against a
 * known_hosts file; `exec_command` gives separate stdout/stderr and exit
 * status 3; 5 MiB through `cat` come back intact; `invoke_shell` gets a PTY.
 * The client script is tests/fixtures/peers/paramiko_client.py.
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

interface ParamikoReport extends ScriptReport {
  exec: { stdout: string; stderr: string; code: number };
  cat: { sha256: string; size: number; code: number };
  shell: { output: string; code: number };
}

eachFlavor(
  "peers: paramiko SSHClient (defaults) — exec with exit status, 5 MiB through cat, shell on a PTY",
  async (t) => {
    const { server, ws } = t;
    await requireProgram(SYSTEM_PYTHON, "python3");
    const big = await randomFile(ws);
    const tap = tapKexInit(server);
    try {
      const knownHosts = join(ws.dir, "known_hosts_paramiko");
      await Deno.writeTextFile(knownHosts, `[127.0.0.1]:${tap.port} ${await hostKeyLine(ws)}\n`);
      const script = join(ROOT, "tests", "fixtures", "peers", "paramiko_client.py");
      const args = [script, "127.0.0.1", String(tap.port), currentUser(), ws.ids.ed25519, knownHosts, big.path];
      const rep = await runScriptClient<ParamikoReport>("paramiko", SYSTEM_PYTHON, args, tap, ws);
      const n = assertAlgorithmsMeet(tap, "paramiko");
      assertClientAgrees("paramiko", rep.negotiated!, n);

      assertEquals(rep.exec, { stdout: EXEC_CHECK.stdout, stderr: EXEC_CHECK.stderr, code: EXEC_CHECK.code });
      assertEquals(rep.cat, { sha256: big.sha, size: big.size, code: 0 });
      const shell = rep.shell;
      assertEquals(shell.code, 5, shell.output);
      assert(/\/dev\/pts\/\d+/.test(shell.output), `tty did not name a pts:\n${shell.output}`);
      assert(shell.output.includes("24 80"), `stty size is not paramiko's default 24x80:\n${shell.output}`);
      assert(shell.output.includes("PTY-42"), shell.output);
      console.log(negotiatedLine(`paramiko ${rep.version}`, n, server.flavor));
    } finally {
      await tap.close();
    }
  },
);
