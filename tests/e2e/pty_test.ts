/**
 * E2E: an interactive login shell on a real PTY through the stock ssh client
 * in a terminal (tmux): tty, size and resize, Ctrl-C, job control, TERM and
 * SSH_TTY, and the exit code reaching the client.
 */
import { assert, assertEquals } from "../_helpers/assert.ts";
import { eachFlavor } from "./_harness.ts";
import { TmuxSession } from "./_tmux.ts";
import { join } from "node:path";

eachFlavor(
  "pty: interactive login shell behaves like a terminal",
  async ({ ssh, ws }) => {
    const exitFile = join(ws.dir, "ssh-exit");
    const cmd = `env TERM=vt220 ssh ${ssh().join(" ")}; echo $? > ${exitFile}`;
    const t = new TmuxSession(cmd, 100, 30);
    try {
      t.line("echo READY-$((40+2))");
      await t.waitFor(/READY-42/, 15000);

      t.line('echo "TTY=$(tty) SSH_TTY=$SSH_TTY TERM=$TERM"');
      const m = await t.waitFor(/TTY=(\/dev\/pts\/\d+) SSH_TTY=(\S*) TERM=(\S+)/);
      assertEquals(m[2], m[1], "SSH_TTY must name the session's pty");
      assertEquals(m[3], "vt220");

      t.line('echo "SIZE=$(stty size)"');
      await t.waitFor(/SIZE=30 100/);
      t.resize(120, 40);
      await new Promise((r) => setTimeout(r, 300));
      t.line('echo "SIZE2=$(stty size)"');
      await t.waitFor(/SIZE2=40 120/);

      t.line("sleep 100");
      await new Promise((r) => setTimeout(r, 500));
      t.key("C-c");
      t.line('echo "RC=$?"');
      await t.waitFor(/RC=130/);

      t.line("sleep 77 &");
      t.line("jobs");
      await t.waitFor(/\[1\]\+?\s+Running\s+sleep 77 &/);
      t.line("sleep 88");
      await new Promise((r) => setTimeout(r, 500));
      t.key("C-z");
      await t.waitFor(/\[2\]\+\s+Stopped\s+sleep 88/);
      t.line("kill -9 %1 %2; wait; echo JOBS-DONE");
      await t.waitFor(/^JOBS-DONE/m);

      t.line("exit 3");
      const deadline = Date.now() + 10000;
      while (t.alive() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      assert(!t.alive(), "ssh did not exit after `exit 3`");
      assertEquals((await Deno.readTextFile(exitFile)).trim(), "3");
    } finally {
      t.kill();
    }
  },
  [],
  { binary: true },
);
