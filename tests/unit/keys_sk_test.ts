/**
 * FIDO security keys (PROTOCOL.u2f) with a software authenticator built from
 * node:crypto in the test: blob parsing, signature verification, and the
 * user-presence policy of the auth service.
 */
import { assert, assertEquals } from "../_helpers/assert.ts";
import { createHash, generateKeyPairSync, type KeyObject, sign } from "node:crypto";
import { Buffer } from "node:buffer";
import { createCryptoProvider } from "../../src/runtime/crypto.ts";
import { parsePublicKey } from "../../src/ssh/keys/public_key.ts";
import { checkSignature } from "../../src/ssh/keys/signature.ts";
import { keyTypeLabel } from "../../src/ssh/keys/fingerprint.ts";
import { SshWriter } from "../../src/ssh/wire.ts";
import { runAuth } from "../../src/ssh/auth/service.ts";
import { accept, type Permissions } from "../../src/ssh/ops.ts";
import { DEFAULT_LIMITS, DEFAULT_USER_SIG_ALGS, silentLogger } from "../../src/ssh/config.ts";
import type { Transport } from "../../src/ssh/transport/transport.ts";
import { MSG } from "../../src/ssh/messages.ts";

const provider = createCryptoProvider();
const sha256 = (b: Uint8Array) => new Uint8Array(createHash("sha256").update(b).digest());
const b64u = (s: string) => new Uint8Array(Buffer.from(s, "base64url"));

interface SoftKey {
  type: string;
  blob: Uint8Array;
  sign(data: Uint8Array, flags: number, counter: number): Uint8Array;
}

function softKey(type: "sk-ssh-ed25519@openssh.com" | "sk-ecdsa-sha2-nistp256@openssh.com", app = "ssh:"): SoftKey {
  let pub: KeyObject, priv: KeyObject;
  let blob: Uint8Array;
  if (type === "sk-ssh-ed25519@openssh.com") {
    ({ publicKey: pub, privateKey: priv } = generateKeyPairSync("ed25519"));
    blob = new SshWriter().string(type).string(b64u(pub.export({ format: "jwk" }).x!)).string(app).bytes();
  } else {
    ({ publicKey: pub, privateKey: priv } = generateKeyPairSync("ec", { namedCurve: "P-256" }));
    const j = pub.export({ format: "jwk" });
    const q = new Uint8Array([4, ...b64u(j.x!), ...b64u(j.y!)]);
    blob = new SshWriter().string(type).string("nistp256").string(q).string(app).bytes();
  }
  return {
    type,
    blob,
    sign(data, flags, counter) {
      const msg = new Uint8Array(69);
      msg.set(sha256(new TextEncoder().encode(app)));
      msg[32] = flags;
      new DataView(msg.buffer).setUint32(33, counter);
      msg.set(sha256(data), 37);
      let inner: Uint8Array;
      if (type === "sk-ssh-ed25519@openssh.com") inner = new Uint8Array(sign(null, msg, priv));
      else {
        const rs = new Uint8Array(sign("sha256", msg, { key: priv, dsaEncoding: "ieee-p1363" }));
        inner = new SshWriter().mpint(rs.slice(0, 32)).mpint(rs.slice(32)).bytes();
      }
      return new SshWriter().string(type).string(inner).byte(flags).uint32(counter).bytes();
    },
  };
}

for (const type of ["sk-ssh-ed25519@openssh.com", "sk-ecdsa-sha2-nistp256@openssh.com"] as const) {
  Deno.test(`${type}: verified with flags and counter; tampering fails`, () => {
    const k = softKey(type);
    const key = parsePublicKey(k.blob);
    assertEquals(key.type, type);
    assertEquals(keyTypeLabel(key), type.startsWith("sk-ssh") ? "ED25519-SK" : "ECDSA-SK");
    const data = new TextEncoder().encode("signed data");
    const good = checkSignature(provider, key, data, k.sign(data, 0x05, 42), [type]);
    assert(good.ok, JSON.stringify(good));
    assertEquals(good.ok && good.securityKey, { flags: 5, counter: 42 });
    assert(!checkSignature(provider, key, new TextEncoder().encode("other"), k.sign(data, 1, 1), [type]).ok);
    const sig = k.sign(data, 1, 7);
    sig[sig.length - 1] ^= 1; // counter changed after signing
    assert(!checkSignature(provider, key, data, sig, [type]).ok);
    assert(!checkSignature(provider, key, data, k.sign(data, 1, 1), ["ssh-ed25519"]).ok, "algorithm not allowed");
    const otherApp = parsePublicKey(softKey(type, "ssh:other").blob);
    assert(!checkSignature(provider, otherApp, data, k.sign(data, 1, 1), [type]).ok);
    assert(!checkSignature(provider, key, data, new Uint8Array([0, 0, 0, 1]), [type]).ok, "garbage is refused");
  });
}

/** Run the userauth service against a scripted client sending one signed sk request. */
async function authWith(flags: number, permissions: Permissions): Promise<{ success: boolean; lines: string[] }> {
  const k = softKey("sk-ssh-ed25519@openssh.com");
  const sessionId = new Uint8Array(32).fill(3);
  const body = new SshWriter()
    .byte(MSG.USERAUTH_REQUEST).string("u").string("ssh-connection").string("publickey")
    .boolean(true).string(k.type).string(k.blob).bytes();
  const signed = new SshWriter().string(sessionId).raw(body).bytes();
  const request = new SshWriter().raw(body).string(k.sign(signed, flags, 1)).bytes();
  const inbox = [new SshWriter().byte(MSG.SERVICE_REQUEST).string("ssh-userauth").bytes(), request];
  const sent: Uint8Array[] = [];
  const lines: string[] = [];
  const transport = {
    sessionId,
    hostKey: undefined,
    readPacket: () => {
      const p = inbox.shift();
      return p ? Promise.resolve(p) : Promise.reject(new Error("client done"));
    },
    send: (p: Uint8Array) => sent.push(p),
  } as unknown as Transport;
  try {
    await runAuth({
      transport,
      ops: { authenticate: () => accept(permissions) },
      crypto: provider,
      logger: { ...silentLogger, info: (m) => lines.push(m) },
      limits: { ...DEFAULT_LIMITS, authRejectionDelayMs: 0 },
      peer: { address: "127.0.0.1", port: 1, localAddress: "127.0.0.1", localPort: 2 },
      userSigAlgs: DEFAULT_USER_SIG_ALGS,
    });
  } catch {
    // the scripted client ran out of messages after a failure
  }
  return { success: sent.some((p) => p[0] === MSG.USERAUTH_SUCCESS), lines };
}

Deno.test("security keys: user presence is required unless no-touch-required; verify-required needs UV", async () => {
  assert((await authWith(0x01, {})).success, "touched: accepted");
  const untouched = await authWith(0x00, {});
  assert(!untouched.success, "no touch: refused");
  assert(untouched.lines.some((l) => l.includes("without user presence")), untouched.lines.join("\n"));
  assert((await authWith(0x00, { noTouchRequired: true })).success, "no-touch-required waives the touch");
  assert(!(await authWith(0x01, { verifyRequired: true })).success, "verify-required without UV: refused");
  assert((await authWith(0x05, { verifyRequired: true })).success, "verify-required with UV: accepted");
});
