/**
 * E2E: the server's own keepalives (--client-alive-interval/-count-max with
 * OpenSSH semantics) and server-initiated rekeying (--rekey-limit).
 */
import { assert, assertEquals } from "../_helpers/assert.ts";
import { eachFlavor, run } from "./_harness.ts";

eachFlavor("liveness: a responsive client survives keepalives; a stopped one is cut off", async ({ ssh, server }) => {
  const ok = await run("ssh", [...ssh(), "sleep 3; echo alive"]);
  assertEquals(ok.code, 0, ok.stderr);
  assertEquals(ok.text, "alive\n");
  // a client that stops answering (SIGSTOP) is disconnected after interval × (count-max + 1)
  const child = new Deno.Command("ssh", { args: [...ssh(), "sleep 60"], stdout: "null", stderr: "piped" }).spawn();
  await server.waitFor(/Accepted publickey/, 10000);
  await new Promise((r) => setTimeout(r, 300));
  Deno.kill(child.pid, "SIGSTOP");
  try {
    await server.waitFor(/Timeout, client not responding: disconnecting user/, 10000);
  } finally {
    Deno.kill(child.pid, "SIGCONT");
  }
  const st = await child.output();
  assertEquals(st.code, 255);
}, ["--client-alive-interval", "1", "--client-alive-count-max", "2"]);

eachFlavor("rekey: the server starts key exchanges by itself after --rekey-limit bytes", async ({ ssh }) => {
  const r = await run("ssh", ["-vvv", ...ssh(), "head -c 8000000 /dev/zero"]);
  assertEquals(r.code, 0, r.stderr);
  // each server-started exchange shows as a KEXINIT the client receives without having sent one first
  const received = r.stderr.match(/SSH2_MSG_KEXINIT received/g)?.length ?? 0;
  assert(received >= 4, `expected several server-initiated key exchanges, saw ${received} KEXINITs`);
  assertEquals(r.stdout.length, 8000000);
  assert(r.stdout.every((b) => b === 0), "data corrupted across server-initiated rekeys");
}, ["--rekey-limit", "1M"]);

eachFlavor("rekey: both sides rekeying while data streams both ways keeps it intact", async ({ ssh }) => {
  const path = await Deno.makeTempFile({ prefix: "tsshd-rekey-" });
  try {
    const data = new Uint8Array(16 * 1024 * 1024);
    for (let i = 0; i < data.length; i += 65536) crypto.getRandomValues(data.subarray(i, i + 65536));
    await Deno.writeFile(path, data);
    const r = await run("ssh", ["-v", "-o", "RekeyLimit=2M", ...ssh(), "cat"], { stdinFile: path, timeoutMs: 120000 });
    assertEquals(r.code, 0, r.stderr);
    assertEquals(r.stdout.length, data.length);
    assert(r.stdout.every((b, i) => b === data[i]), "data corrupted across rekeys");
    const kex = r.stderr.match(/SSH2_MSG_NEWKEYS received/g)?.length ?? 0;
    assert(kex >= 8, `expected many key exchanges, saw ${kex}`);
  } finally {
    await Deno.remove(path);
  }
}, ["--rekey-limit", "1M"]);
