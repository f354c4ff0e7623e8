/**
 * E2E: the forwarding APIs of two independent client libraries against
 * tsshd (Debian's python3-asyncssh and python3-paramiko, default settings).
 * Each script runs a local "digest" server (reads to EOF, answers
 * `got <bytes> <sha256>`), so every path checks 1 MiB intact one way, the
 * half-close, and the answer the other way.
 *
 * - asyncssh: `open_connection` and `create_connection` (direct-tcpip),
 *   `forward_local_port`, `forward_remote_port` with port 0 (twice through
 *   the allocated port, refused after close) and with a fixed port,
 *   `forward_local_path` (direct-streamlocal), `forward_remote_path`
 *   (socket mode 0600), a refused destination (CONNECT_FAILED).
 * - paramiko: `Transport.open_channel("direct-tcpip")`,
 *   `request_port_forward(port 0)` + `accept()` with the originator,
 *   `cancel_port_forward`, a refused destination.
 *
 * Scripts: tests/fixtures/peers/forward_asyncssh.py, forward_paramiko.py.
 */
import { join } from "node:path";
import { assert, assertEquals } from "../_helpers/assert.ts";
import { currentUser, eachFlavor, ROOT } from "./_harness.ts";
import {
  assertAlgorithmsMeet,
  hostKeyLine,
  requireProgram,
  runScriptClient,
  type ScriptReport,
  SYSTEM_PYTHON,
  tapKexInit,
} from "./_peers.ts";

/** RFC 4254 §5.1 SSH_OPEN_CONNECT_FAILED. */
const CONNECT_FAILED = 2;

interface AsyncsshForwardReport extends ScriptReport {
  expected: string;
  open_connection: string;
  create_connection: string;
  forward_local_port: string;
  forward_remote_port0: { port: number; answer: string; answer2: string; refused_after_close: boolean };
  forward_remote_port: { asked: number; port: number; answer: string };
  forward_local_path: string;
  forward_remote_path: { answer: string; mode: string };
  refused: { code: number | null; reason?: string };
  after_refusal: string;
}

interface ParamikoForwardReport extends ScriptReport {
  expected: string;
  direct_tcpip: string;
  port_forward: { port: number; origin: [string, number]; answer: string; refused_after_cancel: boolean };
  refused: { code: number | null; text?: string };
  after_refusal: string;
}

eachFlavor("forward peers: asyncssh local/remote port and path forwards, open/create_connection", async (t) => {
  const { server, ws } = t;
  await requireProgram(SYSTEM_PYTHON, "python3");
  const tap = tapKexInit(server);
  try {
    const knownHosts = join(ws.dir, "known_hosts_asyncssh");
    await Deno.writeTextFile(knownHosts, `[127.0.0.1]:${tap.port} ${await hostKeyLine(ws)}\n`);
    const script = join(ROOT, "tests", "fixtures", "peers", "forward_asyncssh.py");
    const args = [script, "127.0.0.1", String(tap.port), currentUser(), ws.ids.ed25519, knownHosts, ws.dir];
    const rep = await runScriptClient<AsyncsshForwardReport>("asyncssh", SYSTEM_PYTHON, args, tap, ws);
    assertAlgorithmsMeet(tap, "asyncssh");
    const want = rep.expected;
    assert(/^got 1048593 [0-9a-f]{64}$/.test(want), want);
    assertEquals(rep.open_connection, want, "open_connection (direct-tcpip)");
    assertEquals(rep.create_connection, want, "create_connection (direct-tcpip)");
    assertEquals(rep.forward_local_port, want, "forward_local_port");
    const r0 = rep.forward_remote_port0;
    assert(r0.port > 0 && r0.port < 65536, `forward_remote_port(0) got port ${r0.port}`);
    assertEquals(r0.answer, want, "forward_remote_port(0), first connection");
    assertEquals(r0.answer2, want, "forward_remote_port(0), second connection");
    assertEquals(r0.refused_after_close, true, "the listener must be gone after the forward is closed");
    assertEquals(rep.forward_remote_port.port, rep.forward_remote_port.asked);
    assertEquals(rep.forward_remote_port.answer, want, "forward_remote_port(fixed)");
    assertEquals(rep.forward_local_path, want, "forward_local_path (direct-streamlocal)");
    assertEquals(rep.forward_remote_path, { answer: want, mode: "0o600" }, "forward_remote_path");
    assertEquals(rep.refused.code, CONNECT_FAILED, `refused open: ${JSON.stringify(rep.refused)}`);
    assertEquals(rep.after_refusal, want, "the connection works after a refusal");
  } finally {
    await tap.close();
  }
});

eachFlavor("forward peers: paramiko open_channel direct-tcpip, request_port_forward + accept, cancel", async (t) => {
  const { server, ws } = t;
  await requireProgram(SYSTEM_PYTHON, "python3");
  const tap = tapKexInit(server);
  try {
    const knownHosts = join(ws.dir, "known_hosts_paramiko");
    await Deno.writeTextFile(knownHosts, `[127.0.0.1]:${tap.port} ${await hostKeyLine(ws)}\n`);
    const script = join(ROOT, "tests", "fixtures", "peers", "forward_paramiko.py");
    const args = [script, "127.0.0.1", String(tap.port), currentUser(), ws.ids.ed25519, knownHosts];
    const rep = await runScriptClient<ParamikoForwardReport>("paramiko", SYSTEM_PYTHON, args, tap, ws);
    assertAlgorithmsMeet(tap, "paramiko");
    const want = rep.expected;
    assert(/^got 1048593 [0-9a-f]{64}$/.test(want), want);
    assertEquals(rep.direct_tcpip, want, "open_channel direct-tcpip");
    const pf = rep.port_forward;
    assert(pf.port > 0 && pf.port < 65536, `request_port_forward(0) got port ${pf.port}`);
    assertEquals(pf.answer, want, "request_port_forward + accept");
    assertEquals(pf.origin[0], "127.0.0.1", `originator ${pf.origin}`);
    assert(pf.origin[1] > 0, `originator port ${pf.origin[1]}`);
    assertEquals(pf.refused_after_cancel, true, "the listener must be gone after cancel_port_forward");
    assertEquals(rep.refused.code, CONNECT_FAILED, `refused open: ${JSON.stringify(rep.refused)}`);
    assertEquals(rep.after_refusal, want, "the connection works after a refusal");
  } finally {
    await tap.close();
  }
});
