/**
 * E2E: the real OpenSSH client runs commands through tsshd (exec without a
 * pty): byte-exact stdout/stderr, exit codes and signals, 50 MiB both ways,
 * a client-initiated rekey mid-transfer, and the `env` policy.
 */
import { assert, assertEquals } from "../_helpers/assert.ts";
import { eachFlavor, run } from "./_harness.ts";

eachFlavor(
  "exec: stdout and stderr arrive separately and byte-exact; exit status 7",
  async ({ ssh }) => {
    const r = await run("ssh", [...ssh(), "printf 'out\\n\\001\\377'; printf 'err\\n' >&2; exit 7"]);
    assertEquals(r.code, 7);
    assertEquals([...r.stdout], [...new TextEncoder().encode("out\n"), 1, 255]);
    assertEquals(r.stderr, "err\n");
  },
  [],
  { binary: true },
);

eachFlavor("exec: a command killed by a signal reports exit-signal", async ({ ssh }) => {
  const r = await run("ssh", ["-v", ...ssh(), "kill -9 $$"]);
  // OpenSSH's client exits 255 after an exit-signal (and logs the request at -v).
  assertEquals(r.code, 255);
  assert(/rtype exit-signal/.test(r.stderr), r.stderr);
  assert(!/rtype exit-status/.test(r.stderr), r.stderr);
});

async function bigFile(mib: number): Promise<{ path: string; sha: string }> {
  const path = await Deno.makeTempFile({ prefix: "tsshd-big-" });
  const f = await Deno.open(path, { write: true });
  const buf = new Uint8Array(1024 * 1024);
  for (let i = 0; i < mib; i++) {
    for (let j = 0; j < buf.length; j += 65536) crypto.getRandomValues(buf.subarray(j, j + 65536));
    await f.write(buf);
  }
  f.close();
  const sha = (await run("sha256sum", [path])).text.split(" ")[0];
  return { path, sha };
}

async function sha256(data: Uint8Array): Promise<string> {
  const d = new Uint8Array(await crypto.subtle.digest("SHA-256", data as Uint8Array<ArrayBuffer>));
  return [...d].map((b) => b.toString(16).padStart(2, "0")).join("");
}

eachFlavor("exec: 50 MiB through `cat` comes back intact (both directions)", async ({ ssh }) => {
  const big = await bigFile(50);
  try {
    const r = await run("ssh", [...ssh(), "cat"], { stdinFile: big.path, timeoutMs: 120000 });
    assertEquals(r.code, 0, r.stderr);
    assertEquals(r.stdout.length, 50 * 1024 * 1024);
    assertEquals(await sha256(r.stdout), big.sha);
  } finally {
    await Deno.remove(big.path);
  }
});

eachFlavor("exec: a client-initiated rekey every 1M during 64 MiB keeps the data intact", async ({ ssh }) => {
  const big = await bigFile(64);
  try {
    const r = await run("ssh", ["-v", "-o", "RekeyLimit=1M", ...ssh(), "sha256sum"], {
      stdinFile: big.path,
      timeoutMs: 120000,
    });
    assertEquals(r.code, 0, r.stderr);
    assertEquals(r.text.split(" ")[0], big.sha);
    const newkeys = r.stderr.match(/SSH2_MSG_NEWKEYS received/g)?.length ?? 0;
    assert(newkeys >= 10, `expected many key exchanges, saw ${newkeys}`);
  } finally {
    await Deno.remove(big.path);
  }
});

eachFlavor("env: LANG and LC_* accepted, others refused; session variables set", async ({ ssh, server }) => {
  const r = await run("ssh", [
    "-o",
    "SetEnv=LANG=C.UTF-8 LC_TIME=POSIX FOO=bar",
    ...ssh(),
    'echo "LANG=$LANG LC_TIME=$LC_TIME FOO=${FOO-unset}"; echo "USER=$USER LOGNAME=$LOGNAME HOME=$HOME SHELL=$SHELL"; echo "C=$SSH_CONNECTION"; echo "CL=$SSH_CLIENT"; echo "TTY=${SSH_TTY-unset} PATH=$PATH"',
  ]);
  assertEquals(r.code, 0, r.stderr);
  const t = r.text;
  assert(t.includes("LANG=C.UTF-8 LC_TIME=POSIX FOO=unset"), t);
  assert(/USER=\S+ LOGNAME=\S+ HOME=\/\S* SHELL=\/\S+/.test(t), t);
  assert(new RegExp(`C=127\\.0\\.0\\.1 \\d+ 127\\.0\\.0\\.1 ${server.port}`).test(t), t);
  assert(new RegExp(`CL=127\\.0\\.0\\.1 \\d+ ${server.port}`).test(t), t);
  assert(/TTY=unset PATH=\S+/.test(t), t);
});
