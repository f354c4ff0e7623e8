/** The default ops' password checks: a password file, decoys for unknown users, at most two hashes at once. */
import { assert, assertEquals } from "../_helpers/assert.ts";
import { MAX_CONCURRENT_CHECKS, PasswordCheck } from "../../src/ops/password_auth.ts";
import { hashPassword } from "../../src/ops/password/hash.ts";
import { silentLogger } from "../../src/ssh/config.ts";

Deno.test("password checks: right, wrong, unknown and empty; never more than two hashes at once", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const file = `${dir}/passwords`;
    const cheap = { m: 256, t: 1, p: 1 };
    await Deno.writeTextFile(file, `alice:${await hashPassword("pw", cheap)}\nbob:${await hashPassword("", cheap)}\n`);
    const pw = new PasswordCheck({ logger: silentLogger, passwordFile: file });
    assert(pw.enabled);
    assert(await pw.verify("alice", "pw"));
    assert(!(await pw.verify("alice", "nope")));
    assert(!(await pw.verify("carol", "pw")), "unknown user");
    assert(!(await pw.verify(undefined, "pw")), "not admitted");
    assert(!(await pw.verify("bob", "")), "empty passwords are refused by default");
    const permissive = new PasswordCheck({ logger: silentLogger, passwordFile: file, permitEmptyPasswords: true });
    assert(await permissive.verify("bob", ""));
    // Concurrency: count checks in flight through the private hook.
    let inFlight = 0;
    let peak = 0;
    const counted = pw as unknown as { check: (u: string | undefined, p: string) => Promise<boolean> };
    const real = counted.check.bind(pw);
    counted.check = async (u, p) => {
      peak = Math.max(peak, ++inFlight);
      try {
        return await real(u, p);
      } finally {
        inFlight--;
      }
    };
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => pw.verify("alice", i % 2 ? "pw" : "x")));
    assertEquals(results.filter(Boolean).length, 4);
    assertEquals(peak, MAX_CONCURRENT_CHECKS);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
