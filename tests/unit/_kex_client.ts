/**
 * Client sides of every KEX method, written independently of the server code
 * (noble for the curves and ML-KEM, `node:crypto` for X25519, hashes and the
 * host key, plain square-and-multiply `bigint` for finite-field DH), and the
 * plumbing that runs one against a method's `serve()` through a fake `KexIo`.
 * Runs under Deno (the kex_*_test.ts files) and Bun (kex_bun_test.ts).
 *
 * @module
 */
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
  randomBytes,
  sign as nodeSign,
  verify as nodeVerify,
} from "node:crypto";
import { Buffer } from "node:buffer";
import { p256, p384, p521 } from "@noble/curves/nist.js";
import { ml_kem768 } from "@noble/post-quantum/ml-kem.js";
import { SshReader, SshWriter } from "../../src/ssh/wire.ts";
import type { KexIo, KexMethod, KexResult } from "../../src/ssh/crypto/kex/method.ts";
import type { CryptoProvider } from "../../src/ssh/crypto/provider.ts";
import { DisconnectError } from "../../src/ssh/errors.ts";
import { assertEquals, assertRejects } from "../_helpers/assert.ts";

/** Hex of `b`. */
export function hex(b: Uint8Array): string {
  return Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
}

/** Bytes of `h`. */
export function unhex(h: string): Uint8Array {
  const s = h.replace(/\s+/g, "");
  return Uint8Array.from(s.match(/../g) ?? [], (x) => parseInt(x, 16));
}

/** `bigint` of unsigned big-endian bytes. */
export function big(b: Uint8Array): bigint {
  return b.length ? BigInt("0x" + hex(b)) : 0n;
}

/** Minimal unsigned big-endian bytes of `v` (empty for 0). */
export function bytesOf(v: bigint): Uint8Array {
  if (v === 0n) return new Uint8Array(0);
  const h = v.toString(16);
  return unhex(h.length % 2 ? "0" + h : h);
}

/** Right-to-left binary square-and-multiply: deliberately not the server's windowed method. */
export function powMod(base: bigint, exp: bigint, mod: bigint): bigint {
  let r = 1n;
  let b = base % mod;
  let e = exp;
  while (e > 0n) {
    if (e & 1n) r = (r * b) % mod;
    b = (b * b) % mod;
    e >>= 1n;
  }
  return r;
}

/** `mpint` encoding of an unsigned value. */
export function mpint(v: bigint | Uint8Array): Uint8Array {
  return new SshWriter().mpint(typeof v === "bigint" ? bytesOf(v) : v).bytes();
}

/** `string` encoding. */
export function str(v: Uint8Array): Uint8Array {
  return new SshWriter().string(v).bytes();
}

function sha(alg: string, ...parts: Uint8Array[]): Uint8Array {
  const h = createHash(alg);
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
}

/** An Ed25519 host key: blob, signer and verifier (node:crypto). */
export interface TestHostKey {
  blob: Uint8Array;
  sign(h: Uint8Array): Uint8Array;
  verify(h: Uint8Array, signatureBlob: Uint8Array): boolean;
}

/** A fresh Ed25519 host key. */
export function testHostKey(): TestHostKey {
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  const raw = Buffer.from(publicKey.export({ format: "jwk" }).x as string, "base64url");
  const blob = new SshWriter().string("ssh-ed25519").string(raw).bytes();
  return {
    blob,
    sign: (h) => new SshWriter().string("ssh-ed25519").string(nodeSign(null, h, privateKey)).bytes(),
    verify(h, sig) {
      const r = new SshReader(sig);
      if (r.utf8() !== "ssh-ed25519") return false;
      const s = r.string();
      r.end();
      return nodeVerify(null, h, publicKey, s);
    },
  };
}

/** What the client side concluded. */
export interface ClientOutcome {
  /** K as it enters the hash (mpint or string encoded). */
  k: Uint8Array;
  h: Uint8Array;
  /** Whether the server's signature over H verified with the host key. */
  signatureOk: boolean;
}

/** The client's end of the fake transport. */
export interface ClientPeer {
  send(msg: Uint8Array): void;
  read(): Promise<Uint8Array>;
  hashPrefix: Uint8Array;
  hostKey: TestHostKey;
}

class Queue {
  private items: Uint8Array[] = [];
  private waiters: Array<(m: Uint8Array) => void> = [];
  push(m: Uint8Array): void {
    const w = this.waiters.shift();
    if (w) w(m);
    else this.items.push(m);
  }
  take(): Promise<Uint8Array> {
    const m = this.items.shift();
    return m ? Promise.resolve(m) : new Promise((r) => this.waiters.push(r));
  }
}

/** A hash prefix `string V_C ‖ string V_S ‖ string I_C ‖ string I_S ‖ string K_S` with random KEXINITs. */
export function hashPrefix(hostKeyBlob: Uint8Array): Uint8Array {
  return new SshWriter()
    .string("SSH-2.0-test_client")
    .string("SSH-2.0-tsshd_test")
    .string(Uint8Array.of(20, ...randomBytes(40)))
    .string(Uint8Array.of(20, ...randomBytes(40)))
    .string(hostKeyBlob)
    .bytes();
}

/** Run `method.serve` against `client` over in-memory queues; both outcomes. */
export async function runExchange(
  method: KexMethod,
  crypto: CryptoProvider,
  client: (peer: ClientPeer) => Promise<ClientOutcome>,
): Promise<{ server: KexResult; client: ClientOutcome }> {
  const toServer = new Queue();
  const toClient = new Queue();
  const hostKey = testHostKey();
  const prefix = hashPrefix(hostKey.blob);
  const io: KexIo = {
    crypto,
    read: () => toServer.take(),
    send: (p) => toClient.push(p.slice()),
    hostKeyBlob: hostKey.blob,
    sign: (h) => hostKey.sign(h),
    hashPrefix: prefix,
  };
  const [server, outcome] = await Promise.all([
    method.serve(io),
    client({ send: (m) => toServer.push(m), read: () => toClient.take(), hashPrefix: prefix, hostKey }),
  ]);
  return { server, client: outcome };
}

/** Run `method.serve` over scripted client messages; the server reading past them fails the test. */
export function serveScripted(method: KexMethod, crypto: CryptoProvider, messages: Uint8Array[]): Promise<KexResult> {
  const hostKey = testHostKey();
  const queue = [...messages];
  return method.serve({
    crypto,
    read: () => {
      const m = queue.shift();
      return m ? Promise.resolve(m) : Promise.reject(new Error("test: the server read past the scripted messages"));
    },
    send: () => {},
    hostKeyBlob: hostKey.blob,
    sign: (h) => hostKey.sign(h),
    hashPrefix: hashPrefix(hostKey.blob),
  });
}

/** `p` must reject with a `DisconnectError` carrying `reason` (and a message including `includes`). */
export async function assertDisconnect(p: Promise<unknown>, reason: number, includes?: string): Promise<void> {
  const e = await assertRejects(() => p, DisconnectError, includes);
  assertEquals((e as DisconnectError).reason, reason, e.message);
}

/** Read a reply: message number check, then `string K_S` and the rest to `fields`. */
function replyReader(msg: Uint8Array, type: number, hostKey: TestHostKey): SshReader {
  if (msg[0] !== type) throw new Error(`client: expected message ${type}, got ${msg[0]}`);
  const r = new SshReader(msg, 1);
  const ks = r.string();
  if (hex(ks) !== hex(hostKey.blob)) throw new Error("client: K_S is not the host key");
  return r;
}

const NOBLE = { "P-256": p256, "P-384": p384, "P-521": p521 } as const;
const HASH_OF = { "P-256": "sha256", "P-384": "sha384", "P-521": "sha512" } as const;

/** ecdh-sha2-nistp* client (RFC 5656 §4) on noble. */
export function ecdhClient(curve: keyof typeof NOBLE): (peer: ClientPeer) => Promise<ClientOutcome> {
  return async (peer) => {
    const c = NOBLE[curve];
    const sk = c.utils.randomSecretKey();
    const qc = c.getPublicKey(sk, false);
    peer.send(new SshWriter().byte(30).string(qc).bytes());
    const r = replyReader(await peer.read(), 31, peer.hostKey);
    const qs = r.string();
    const sig = r.string();
    r.end();
    const x = c.getSharedSecret(sk, qs).subarray(1);
    const k = mpint(x);
    const h = sha(HASH_OF[curve], peer.hashPrefix, str(qc), str(qs), k);
    return { k, h, signatureOk: peer.hostKey.verify(h, sig) };
  };
}

function randomExponent(): bigint {
  return big(randomBytes(64)) | (1n << 511n);
}

/** diffie-hellman-groupN client (RFC 4253 §8) in group (p, g). */
export function ffdhClient(p: bigint, g: bigint, hash: string): (peer: ClientPeer) => Promise<ClientOutcome> {
  return async (peer) => {
    const x = randomExponent();
    const e = powMod(g, x, p);
    peer.send(new SshWriter().byte(30).raw(mpint(e)).bytes());
    const r = replyReader(await peer.read(), 31, peer.hostKey);
    const f = big(r.mpintUnsigned());
    const sig = r.string();
    r.end();
    if (f <= 1n || f >= p - 1n) throw new Error("client: f out of range");
    const k = mpint(powMod(f, x, p));
    const h = sha(hash, peer.hashPrefix, mpint(e), mpint(f), k);
    return { k, h, signatureOk: peer.hostKey.verify(h, sig) };
  };
}

/** What a group-exchange client asks for and which groups it trusts. */
export interface GexRequestSpec {
  min: number;
  n: number;
  max: number;
  /** Send the old SSH_MSG_KEX_DH_GEX_REQUEST_OLD (30) with `n` only. */
  old?: boolean;
  /** Called with the group the server offered; throw to refuse it. */
  checkGroup?: (p: bigint, g: bigint) => void;
}

/** diffie-hellman-group-exchange-sha256 client (RFC 4419). */
export function gexClient(spec: GexRequestSpec): (peer: ClientPeer) => Promise<ClientOutcome> {
  return async (peer) => {
    const sizes = spec.old
      ? new SshWriter().uint32(spec.n).bytes()
      : new SshWriter().uint32(spec.min).uint32(spec.n).uint32(spec.max).bytes();
    peer.send(new SshWriter().byte(spec.old ? 30 : 34).raw(sizes).bytes());
    const grp = await peer.read();
    if (grp[0] !== 31) throw new Error(`client: expected GEX_GROUP (31), got ${grp[0]}`);
    const gr = new SshReader(grp, 1);
    const p = big(gr.mpintUnsigned());
    const g = big(gr.mpintUnsigned());
    gr.end();
    spec.checkGroup?.(p, g);
    const x = randomExponent();
    const e = powMod(g, x, p);
    peer.send(new SshWriter().byte(32).raw(mpint(e)).bytes());
    const r = replyReader(await peer.read(), 33, peer.hostKey);
    const f = big(r.mpintUnsigned());
    const sig = r.string();
    r.end();
    const k = mpint(powMod(f, x, p));
    const h = sha("sha256", peer.hashPrefix, sizes, mpint(p), mpint(g), mpint(e), mpint(f), k);
    return { k, h, signatureOk: peer.hostKey.verify(h, sig) };
  };
}

const X25519_PKCS8 = unhex("302e020100300506032b656e04220420");
const X25519_SPKI = unhex("302a300506032b656e032100");

function x25519(priv: Uint8Array, pub: Uint8Array): Uint8Array {
  const privateKey = createPrivateKey({ key: Buffer.from([...X25519_PKCS8, ...priv]), format: "der", type: "pkcs8" });
  const publicKey = createPublicKey({ key: Buffer.from([...X25519_SPKI, ...pub]), format: "der", type: "spki" });
  return new Uint8Array(diffieHellman({ privateKey, publicKey }));
}

/** mlkem768x25519-sha256 client (draft-ietf-sshm-mlkem-hybrid-kex) on noble ML-KEM and node:crypto X25519. */
export function mlkemClient(): (peer: ClientPeer) => Promise<ClientOutcome> {
  return async (peer) => {
    const kem = ml_kem768.keygen();
    const xPriv = new Uint8Array(randomBytes(32));
    const privateKey = createPrivateKey({
      key: Buffer.from([...X25519_PKCS8, ...xPriv]),
      format: "der",
      type: "pkcs8",
    });
    const xPub = Buffer.from(createPublicKey(privateKey).export({ format: "jwk" }).x as string, "base64url");
    const cInit = Uint8Array.of(...kem.publicKey, ...xPub);
    peer.send(new SshWriter().byte(30).string(cInit).bytes());
    const r = replyReader(await peer.read(), 31, peer.hostKey);
    const sReply = r.string();
    const sig = r.string();
    r.end();
    if (sReply.length !== 1088 + 32) throw new Error(`client: S_REPLY is ${sReply.length} bytes`);
    const kPq = ml_kem768.decapsulate(sReply.subarray(0, 1088), kem.secretKey);
    const kCl = x25519(xPriv, sReply.subarray(1088));
    const k = str(sha("sha256", kPq, kCl));
    const h = sha("sha256", peer.hashPrefix, str(cInit), str(sReply), k);
    return { k, h, signatureOk: peer.hostKey.verify(h, sig) };
  };
}
