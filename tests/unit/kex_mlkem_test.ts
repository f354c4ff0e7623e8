/**
 * mlkem768x25519-sha256: noble's ML-KEM-768 against a FIPS 203 vector, then
 * the hybrid exchange through `serve()` against a client written here from
 * draft-ietf-sshm-mlkem-hybrid-kex (no OpenSSH ≥ 9.9 client exists on this
 * machine, so this independent client is the interoperability check).
 */
import { ml_kem768 } from "@noble/post-quantum/ml-kem.js";
import { assert, assertEquals } from "../_helpers/assert.ts";
import { createCryptoProvider } from "../../src/runtime/crypto.ts";
import { kexMethod } from "../../src/ssh/crypto/kex/registry.ts";
import { DISCONNECT } from "../../src/ssh/messages.ts";
import { SshWriter } from "../../src/ssh/wire.ts";
import { assertDisconnect, hex, mlkemClient, runExchange, serveScripted, unhex } from "./_kex_client.ts";

const crypto = createCryptoProvider();
const NAME = "mlkem768x25519-sha256";

/**
 * FIPS 203 (final) ML-KEM-768 vector from C2SP/CCTV, ML-KEM/unluckysample/ML-KEM-768.txt:
 * KeyGen(d, z) then Encaps(ek, m). ek and c are 1184 and 1088 bytes; their first and
 * last 32 bytes are copied here, and K (which hashes all of ek) pins the rest of ek.
 */
const CCTV_768 = {
  d: "82c4a361586b9715c2375a45fb85c32d04be7fe6e26acd820ec5d4080093afe1",
  z: "8476013560151d986dc7834dcb57c75f845f8d7ee71558d0955f3f4feb723cf2",
  m: "e48f74ad416e99631003ded1478aec62a02c245d88ed7f2fae92aedf13ca03b3",
  K: "4f7cc64c040fc4e335a539691f4638caf8b1bf5da6455754afe699e41813801b",
  ekHead: "ad568015b87690ebbe1fb438ee8a22b9ac4379a12422e34037c231341c316bc0",
  ekTail: "9a795daadc9cce56db4bfd02cf1893c6441a1b78f1bdd9b13626b9f21b7c6161",
  cHead: "696ef1699d5ac2aa9a012a64c60c6c214dcedec75ff87fb3a5850044202a790b",
  cTail: "09c7640acea982655b3294ee0371019b134559be391c29d990f82f8a1dd4a715",
};

Deno.test("ML-KEM-768 (noble): FIPS 203 KeyGen/Encaps/Decaps vector from C2SP/CCTV", () => {
  const v = CCTV_768;
  const { publicKey, secretKey } = ml_kem768.keygen(unhex(v.d + v.z));
  assertEquals([publicKey.length, secretKey.length], [1184, 2400]);
  assertEquals(hex(publicKey.subarray(0, 32)), v.ekHead);
  assertEquals(hex(publicKey.subarray(1152)), v.ekTail);
  assertEquals(hex(secretKey.subarray(2368)), v.z); // dk ends with z
  const { cipherText, sharedSecret } = ml_kem768.encapsulate(publicKey, unhex(v.m));
  assertEquals(cipherText.length, 1088);
  assertEquals(hex(cipherText.subarray(0, 32)), v.cHead);
  assertEquals(hex(cipherText.subarray(1056)), v.cTail);
  assertEquals(hex(sharedSecret), v.K);
  assertEquals(hex(ml_kem768.decapsulate(cipherText, secretKey)), v.K);
});

Deno.test("mlkem768x25519-sha256: full exchange through serve() agrees with an independent client", async () => {
  const method = kexMethod(NAME)!;
  assertEquals(method.hash, "sha256");
  // K enters the hash and key derivation as a 32-byte `string`, never an mpint: the two differ when
  // K's top bit is set or its first byte is zero, so exchange until the top bit has been seen set.
  let topBitSet = false;
  for (let i = 0; i < 64 && !topBitSet; i++) {
    const { server, client } = await runExchange(method, crypto, mlkemClient());
    assertEquals(hex(server.sharedSecret), hex(client.k));
    assertEquals(hex(server.exchangeHash), hex(client.h));
    assert(client.signatureOk, "host key signature over H does not verify");
    assertEquals([server.sharedSecret.length, hex(server.sharedSecret.subarray(0, 4))], [36, "00000020"]);
    topBitSet = (server.sharedSecret[4] & 0x80) !== 0;
  }
  assert(topBitSet);
});

function init(value: Uint8Array): Uint8Array {
  return new SshWriter().byte(30).string(value).bytes();
}

function validClientValue(): Uint8Array {
  const x = crypto.x25519Generate();
  return Uint8Array.of(...ml_kem768.keygen().publicKey, ...x.publicKey);
}

Deno.test("mlkem768x25519-sha256: wrong lengths, a key failing the FIPS 203 modulus check, a bad X25519 key", async () => {
  const method = kexMethod(NAME)!;
  const good = validClientValue();
  for (const bad of [good.subarray(0, 1215), Uint8Array.of(...good, 0), good.subarray(0, 1184), new Uint8Array(0)]) {
    await assertDisconnect(serveScripted(method, crypto, [init(bad)]), DISCONNECT.KEY_EXCHANGE_FAILED, "bytes");
  }
  // ByteEncode12 packs two 12-bit coefficients in 3 bytes: make the first 0xfff = 4095 ≥ q = 3329.
  const outOfRange = good.slice();
  outOfRange[0] = 0xff;
  outOfRange[1] |= 0x0f;
  await assertDisconnect(serveScripted(method, crypto, [init(outOfRange)]), DISCONNECT.KEY_EXCHANGE_FAILED, "modulus");
  // An X25519 point of small order (here 0) gives an all-zero shared secret (RFC 7748 §6.1).
  const zeroX = good.slice();
  zeroX.fill(0, 1184);
  await assertDisconnect(serveScripted(method, crypto, [init(zeroX)]), DISCONNECT.KEY_EXCHANGE_FAILED, "X25519");
  // Malformed messages: truncated string, trailing bytes, wrong message number.
  await assertDisconnect(serveScripted(method, crypto, [init(good).subarray(0, 100)]), DISCONNECT.PROTOCOL_ERROR);
  await assertDisconnect(serveScripted(method, crypto, [Uint8Array.of(...init(good), 1)]), DISCONNECT.PROTOCOL_ERROR);
  await assertDisconnect(serveScripted(method, crypto, [Uint8Array.of(34, 0, 0, 0, 0)]), DISCONNECT.PROTOCOL_ERROR);
});
