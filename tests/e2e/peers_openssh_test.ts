/**
 * E2E: OpenSSH's `ssh` with its default settings (the other e2e tests cover
 * it in depth) through the KEXINIT tap, so the peers' notes list what it
 * negotiates beside the other clients; `ssh -v`'s own account must match.
 */
import { assertEquals } from "../_helpers/assert.ts";
import { eachFlavor } from "./_harness.ts";
import {
  assertAlgorithmsMeet,
  assertClientAgrees,
  type ClientView,
  EXEC_CHECK,
  hostKeyLine,
  negotiatedLine,
  randomFile,
  runPeer,
  sha256Hex,
  tapKexInit,
} from "./_peers.ts";

/** Read `debug1: kex: …` lines of `ssh -v`. */
function sshView(stderr: string): ClientView {
  const dir = (d: string) => new RegExp(`kex: ${d} cipher: (\\S+) MAC: (\\S+) compression: (\\S+)`).exec(stderr);
  const cs = dir("client->server");
  const sc = dir("server->client");
  return {
    kex: /kex: algorithm: (\S+)/.exec(stderr)?.[1] ?? null,
    hostKey: /kex: host key algorithm: (\S+)/.exec(stderr)?.[1] ?? null,
    cipherCs: cs?.[1] ?? null,
    cipherSc: sc?.[1] ?? null,
    macCs: cs?.[2] ?? null,
    macSc: sc?.[2] ?? null,
    compCs: cs?.[3] ?? null,
    compSc: sc?.[3] ?? null,
  };
}

eachFlavor(
  "peers: OpenSSH ssh (defaults) — exec with exit status, 5 MiB through cat",
  async (t) => {
    const { server, ws, ssh } = t;
    const tap = tapKexInit(server);
    try {
      await Deno.writeTextFile(ws.knownHosts, `[127.0.0.1]:${tap.port} ${await hostKeyLine(ws)}\n`, { append: true });
      const args = ssh();
      args[args.indexOf("-p") + 1] = String(tap.port);

      const r = await runPeer("ssh", [...args, EXEC_CHECK.command], { home: ws.dir });
      const n = assertAlgorithmsMeet(tap, "ssh");
      assertEquals(r.text, EXEC_CHECK.stdout, `ssh stderr: ${r.stderr}`);
      assertEquals(r.stderr, EXEC_CHECK.stderr);
      assertEquals(r.code, EXEC_CHECK.code);

      const big = await randomFile(ws);
      const c = await runPeer("ssh", ["-v", ...args, "cat"], { home: ws.dir, stdinFile: big.path });
      assertEquals(c.code, 0, c.stderr);
      assertEquals(c.stdout.length, big.size);
      assertEquals(await sha256Hex(c.stdout), big.sha);
      assertClientAgrees("ssh", sshView(c.stderr), tap.negotiated(1));
      const version = /^OpenSSH_\S+/.exec(c.stderr)?.[0] ?? "OpenSSH";
      console.log(negotiatedLine(version.replace(/,$/, ""), n, server.flavor));
    } finally {
      await tap.close();
    }
  },
  [],
  { binary: true },
);
