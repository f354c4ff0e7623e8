/**
 * E2E: Dropbear's `dbclient` with its default settings logs in to tsshd with
 * the ed25519 test key (converted by `dropbearconvert`), checking the host key
 * against a known_hosts entry; runs a command with separate stdout/stderr and
 * exit status 3; and sends 5 MiB through `cat` on stdin intact. dbclient has
 * no verbose mode, so what it negotiated comes from the KEXINIT tap alone.
 */
import { join } from "node:path";
import { assertEquals } from "../_helpers/assert.ts";
import { currentUser, eachFlavor } from "./_harness.ts";
import {
  assertAlgorithmsMeet,
  EXEC_CHECK,
  hostKeyLine,
  negotiatedLine,
  randomFile,
  requireProgram,
  runPeer,
  sha256Hex,
  tapKexInit,
} from "./_peers.ts";

eachFlavor(
  "peers: Dropbear dbclient (defaults) — publickey login, exec with exit status, 5 MiB through cat",
  async (t) => {
    const { server, ws } = t;
    await requireProgram("dbclient", "dropbear-bin");
    await requireProgram("dropbearconvert", "dropbear-bin");
    const key = join(ws.dir, "client_ed25519.dropbear");
    const conv = await runPeer("dropbearconvert", ["openssh", "dropbear", ws.ids.ed25519, key], { home: ws.dir });
    assertEquals(conv.code, 0, `dropbearconvert: ${conv.stderr}`);
    // dbclient reads $HOME/.ssh/known_hosts and looks the host up without the port. A mismatching key there is
    // fatal even with -y; -y only spares an unknown host the interactive prompt (which spins without a tty).
    await Deno.mkdir(join(ws.dir, ".ssh"), { mode: 0o700 });
    await Deno.writeTextFile(join(ws.dir, ".ssh", "known_hosts"), `127.0.0.1 ${await hostKeyLine(ws)}\n`);
    const tap = tapKexInit(server);
    try {
      const base = ["-y", "-i", key, "-p", String(tap.port), `${currentUser()}@127.0.0.1`];

      const r = await runPeer("dbclient", [...base, EXEC_CHECK.command], { home: ws.dir });
      const n = assertAlgorithmsMeet(tap, "dbclient");
      assertEquals(r.text, EXEC_CHECK.stdout, `dbclient stderr: ${r.stderr}`);
      assertEquals(r.stderr, EXEC_CHECK.stderr);
      assertEquals(r.code, EXEC_CHECK.code);

      const big = await randomFile(ws);
      const c = await runPeer("dbclient", [...base, "cat"], { home: ws.dir, stdinFile: big.path });
      assertEquals(c.code, 0, c.stderr);
      assertEquals(c.stdout.length, big.size);
      assertEquals(await sha256Hex(c.stdout), big.sha);
      console.log(negotiatedLine("dbclient", n, server.flavor));
    } finally {
      await tap.close();
    }
  },
);
