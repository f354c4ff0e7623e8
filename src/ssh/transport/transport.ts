/**
 * The SSH transport layer (RFC 4253) for the server side: version exchange,
 * binary packets, key exchange with strict-KEX (OpenSSH PROTOCOL §1.9) and
 * EXT_INFO (RFC 8308), rekeying started by the peer, and an output queue
 * with back-pressure.
 *
 * Upper layers call {@link Transport.readPacket} in a loop and {@link Transport.send}
 * from anywhere; key exchange runs inside `readPacket`, and packets sent while
 * it runs are held and flushed after NEWKEYS.
 *
 * @module
 */
import type { ByteStream } from "../../runtime/types.ts";
import type { CryptoProvider } from "../crypto/provider.ts";
import type { HostKey } from "../keys/host_key.ts";
import { DISCONNECT, isKexMessage, isTransportGeneric, MSG } from "../messages.ts";
import { ConnectionLostError, DisconnectError, PeerDisconnectedError, protocolError } from "../errors.ts";
import { SshReader, SshWriter } from "../wire.ts";
import { VersionParser } from "./version.ts";
import { MAX_PACKET_LENGTH, PacketReader } from "./packet_reader.ts";
import { OutputQueue } from "./output_queue.ts";
import { extInfoMessage, serverProposal, STRICT_KEX_CLIENT } from "./server_proposal.ts";
import { Compressor, Decompressor, findCompression } from "./compression.ts";
import { PacketWriter } from "./packet_writer.ts";
import { decodeKexInit, encodeKexInit, guessWasWrong, negotiate, type Negotiated } from "./kexinit.ts";
import { kexMethod } from "../crypto/kex/registry.ts";
import type { KexMethod } from "../crypto/kex/method.ts";
import { deriveKey, exchangeHashPrefix } from "./key_derivation.ts";
import { findCipher } from "../crypto/ciphers.ts";
import { findMac } from "../crypto/macs.ts";
import type { PacketCipher } from "./cipher.ts";

/** Algorithm preferences offered by the server. */
export interface AlgorithmLists {
  kex: readonly string[];
  ciphers: readonly string[];
  macs: readonly string[];
  compression: readonly string[];
}

/** Options for one transport. */
export interface TransportOptions {
  crypto: CryptoProvider;
  hostKeys: readonly HostKey[];
  /** Our identification string without CR LF. */
  serverVersion: string;
  algorithms: AlgorithmLists;
  /** Signature algorithms we verify for user auth, for `server-sig-algs`. */
  serverSigAlgs: readonly string[];
  /** Host key algorithms to offer, in this order (default: all of the keys', in key order). */
  hostKeyAlgorithms?: readonly string[];
  /** KEX methods by name (default: the built-in registry). */
  kexMethods?: ReadonlyMap<string, KexMethod>;
  /** Extra EXT_INFO extensions (name → value). */
  extraExtensions?: ReadonlyArray<[string, string]>;
  /** Output bytes queued above which `waitWritable()` blocks. */
  highWaterMark?: number;
  /** Rekey after this many bytes in either direction since the last exchange. Default 1 GiB. */
  rekeyBytes?: number;
  /** Rekey after this many milliseconds since the last exchange (0 = never). Default 1 hour. */
  rekeyIntervalMs?: number;
}

/** Server-side transport. */
export class Transport {
  /** The peer's identification string, once known. */
  clientVersion = "";
  /** H of the first key exchange. */
  sessionId: Uint8Array | undefined;
  /** Algorithms of the current keys. */
  negotiated: Negotiated | undefined;
  /** Host key used in the latest exchange. */
  hostKey: HostKey | undefined;
  /** Whether the peer asked for EXT_INFO. */
  clientExtInfo = false;
  /** Whether strict KEX is in force. */
  strictKex = false;

  private reader = new PacketReader();
  private writer = new PacketWriter();
  private output: OutputQueue;
  private closed = false;
  // key exchange state
  private ourKexInit: Uint8Array | undefined;
  private held: Uint8Array[] = [];
  private heldBytes = 0;
  private kexCount = 0;
  private compressOut: Compressor | undefined;
  private decompressIn: Decompressor | undefined;
  private authenticated = false;
  private lastKexAt = 0;
  /** When the last packet arrived from the peer (ms since epoch). */
  lastReceivedAt = Date.now();

  constructor(private stream: ByteStream, private opts: TransportOptions) {
    this.output = new OutputQueue(
      (chunk) => stream.write(chunk),
      () => this.close(),
      opts.highWaterMark ?? 1024 * 1024,
    );
  }

  /** Every host key this server has. */
  get hostKeys(): readonly HostKey[] {
    return this.opts.hostKeys;
  }

  /** Whether a key exchange is under way (outgoing non-KEX packets are held). */
  get inKex(): boolean {
    return this.ourKexInit !== undefined;
  }

  /** Bytes queued for the socket. */
  get queuedBytes(): number {
    return this.output.queued;
  }

  /** Send our identification line and KEXINIT, then read the peer's identification. */
  async start(): Promise<void> {
    this.writeRaw(new TextEncoder().encode(this.opts.serverVersion + "\r\n"));
    this.sendKexInit();
    const parser = new VersionParser();
    for (;;) {
      const chunk = await this.stream.read();
      if (!chunk) throw new ConnectionLostError("connection closed before identification");
      const res = parser.feed(chunk);
      if (res) {
        this.clientVersion = res.version;
        if (res.rest.length) this.reader.push(res.rest);
        return;
      }
    }
  }

  /**
   * The next packet for the upper layers (service requests, auth, connection).
   * Transport messages (KEX, IGNORE, DEBUG, PING, EXT_INFO…) are handled here.
   * Throws {@link PeerDisconnectedError}, {@link ConnectionLostError} or {@link DisconnectError}.
   */
  async readPacket(): Promise<Uint8Array> {
    for (;;) {
      const p = this.nextPacket();
      if (!p) {
        const chunk = await this.stream.read();
        if (!chunk) throw new ConnectionLostError();
        this.reader.push(chunk);
        continue;
      }
      this.lastReceivedAt = Date.now();
      this.maybeRekey();
      const up = await this.handle(p);
      if (up) return up;
    }
  }

  /** Queue one payload (encrypted now, or held until the running key exchange ends). */
  send(payload: Uint8Array): void {
    if (this.closed) return;
    if (this.inKex && !isKexMessage(payload[0]) && !isTransportGeneric(payload[0])) {
      this.held.push(payload);
      this.heldBytes += payload.length;
      return;
    }
    this.writeRaw(this.sealPacket(payload));
    this.maybeRekey();
  }

  /**
   * Queue one payload of `length` bytes that `fill` writes in place (the
   * channel data path: no intermediate payload copy). `fill` runs at once.
   */
  sendWith(length: number, fill: (dst: Uint8Array) => void, alignTo?: number): void {
    if (this.closed) return;
    if (this.inKex) {
      const payload = new Uint8Array(length);
      fill(payload);
      this.send(payload);
      return;
    }
    if (this.compressOut) {
      const payload = new Uint8Array(length);
      fill(payload);
      this.writeRaw(this.sealPacket(payload));
    } else {
      this.writeRaw(this.writer.sealWith(length, fill, alignTo));
    }
    this.maybeRekey();
  }

  /** Compress (once compression is on) and seal one payload. */
  private sealPacket(payload: Uint8Array): Uint8Array {
    return this.writer.seal(this.compressOut ? this.compressOut.compress(payload) : payload);
  }

  /** The next decrypted (and, once on, decompressed) payload, or null if more bytes are needed. */
  private nextPacket(): Uint8Array | null {
    const p = this.reader.next();
    if (!p || !this.decompressIn) return p;
    const out = this.decompressIn.decompress(p, MAX_PACKET_LENGTH);
    if (out.length === 0) throw protocolError("compressed packet with an empty payload");
    return out;
  }

  /**
   * Turn on `zlib@openssh.com` if it was negotiated: called right after
   * USERAUTH_SUCCESS is queued (everything sent after it, and everything the
   * client sends after receiving it, is compressed). Each later NEWKEYS starts
   * new streams, as OpenSSH does.
   */
  startDelayedCompression(): void {
    this.authenticated = true;
    const n = this.negotiated;
    if (!n) return;
    if (!this.compressOut && findCompression(n.compS2C)?.delayed) this.compressOut = new Compressor();
    if (!this.decompressIn && findCompression(n.compC2S)?.delayed) this.decompressIn = new Decompressor();
  }

  /** Whether compression `name` is on for keys that take effect now. */
  private compressionStarts(name: string): boolean {
    const c = findCompression(name);
    return c !== undefined && c.compresses && (!c.delayed || this.authenticated);
  }

  /**
   * Start a key exchange ourselves (RFC 4253 §9) once the data or time limit
   * since the last one is reached. Outgoing packets are held from now until
   * NEWKEYS; the peer answers with its KEXINIT, handled in `readPacket`.
   */
  private maybeRekey(): void {
    if (this.inKex || this.kexCount === 0 || this.closed) return;
    const bytes = Math.max(this.writer.bytesSinceKeys, this.reader.bytesSinceKeys);
    const interval = this.opts.rekeyIntervalMs ?? 3_600_000;
    if (bytes >= (this.opts.rekeyBytes ?? 1 << 30) || (interval > 0 && Date.now() - this.lastKexAt >= interval)) {
      this.sendKexInit();
    }
  }

  /** Number of completed key exchanges. */
  get keyExchanges(): number {
    return this.kexCount;
  }

  /** Resolves when the output queue (with packets held during a key exchange) is below the high-water mark. */
  waitWritable(): Promise<void> {
    return this.output.waitWritable(this.heldBytes);
  }

  /** Resolves when everything queued has been written. */
  flush(): Promise<void> {
    return this.output.flush();
  }

  /** Send DISCONNECT, flush (bounded) and close. Never throws. */
  async disconnect(reason: number, description: string): Promise<void> {
    if (this.closed) return;
    try {
      this.held = [];
      this.heldBytes = 0;
      const w = new SshWriter().byte(MSG.DISCONNECT).uint32(reason).string(description).string("");
      this.writeRaw(this.sealPacket(w.bytes()));
      await Promise.race([this.flush(), new Promise((r) => setTimeout(r, 1000))]);
    } catch {
      // the socket may already be gone
    }
    this.close();
  }

  /** Close the socket at once. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.output.close();
    try {
      this.stream.close();
    } catch {
      // ignore
    }
  }

  get isClosed(): boolean {
    return this.closed;
  }

  private writeRaw(bytes: Uint8Array): void {
    this.output.push(bytes);
  }

  /** The error that ended writing, if any. */
  get error(): unknown {
    return this.output.error;
  }

  // ---- inbound dispatch -------------------------------------------------

  private async handle(p: Uint8Array): Promise<Uint8Array | null> {
    const type = p[0];
    if (this.sessionId === undefined && type !== MSG.KEXINIT && !isTransportGeneric(type) && !isKexMessage(type)) {
      throw protocolError(`unexpected message ${type} before key exchange`);
    }
    if (this.strictKex && this.kexCount === 0 && this.inKex && !isKexMessage(type)) {
      throw protocolError(`strict KEX violation: unexpected message ${type} during initial key exchange`);
    }
    switch (type) {
      case MSG.DISCONNECT: {
        const r = new SshReader(p, 1);
        const reason = r.uint32();
        let desc = "";
        try {
          desc = r.utf8();
        } catch {
          desc = "(undecodable)";
        }
        throw new PeerDisconnectedError(reason, desc);
      }
      case MSG.IGNORE:
      case MSG.DEBUG:
      case MSG.UNIMPLEMENTED:
        return null;
      case MSG.KEXINIT:
        await this.runKex(p);
        return null;
      case MSG.EXT_INFO:
        return null; // nothing the client can tell us that we act on
      case MSG.PING: {
        const data = new SshReader(p, 1).string();
        this.send(new SshWriter().byte(MSG.PONG).string(data).bytes());
        return null;
      }
      case MSG.PONG:
        return null;
    }
    if (isKexMessage(type)) throw protocolError(`unexpected key exchange message ${type}`);
    return p;
  }

  // ---- key exchange -----------------------------------------------------

  private sendKexInit(): void {
    if (this.ourKexInit) return;
    const payload = encodeKexInit(
      serverProposal({
        ...this.opts.algorithms,
        hostKeys: this.opts.hostKeys,
        hostKeyAlgorithms: this.opts.hostKeyAlgorithms,
      }, this.kexCount === 0),
    );
    this.ourKexInit = payload;
    this.writeRaw(this.sealPacket(payload));
  }

  /** Read the next packet during KEX, skipping IGNORE/DEBUG unless strict. */
  private async readKexPacket(): Promise<Uint8Array> {
    for (;;) {
      let p = this.nextPacket();
      while (!p) {
        const chunk = await this.stream.read();
        if (!chunk) throw new ConnectionLostError("connection closed during key exchange");
        this.reader.push(chunk);
        p = this.nextPacket();
      }
      const type = p[0];
      if (isKexMessage(type)) return p;
      if (this.strictKex && this.kexCount === 0) {
        throw protocolError(`strict KEX violation: unexpected message ${type} during initial key exchange`);
      }
      if (type === MSG.DISCONNECT || type === MSG.IGNORE || type === MSG.DEBUG || type === MSG.UNIMPLEMENTED) {
        await this.handle(p);
        continue;
      }
      throw protocolError(`unexpected message ${type} during key exchange`);
    }
  }

  private async runKex(clientKexInitPayload: Uint8Array): Promise<void> {
    const client = decodeKexInit(clientKexInitPayload);
    this.sendKexInit();
    const ours = decodeKexInit(this.ourKexInit!);
    if (this.kexCount === 0) {
      this.strictKex = client.kex.includes(STRICT_KEX_CLIENT);
      this.clientExtInfo = client.kex.includes("ext-info-c");
      if (this.strictKex && this.reader.seq !== 1) {
        throw protocolError("strict KEX violation: KEXINIT was not the first packet");
      }
    }
    const chosen = negotiate(client, ours, (c) => findCipher(c)?.aead ?? false);
    const method = this.opts.kexMethods ? this.opts.kexMethods.get(chosen.kex) : kexMethod(chosen.kex);
    if (!method) throw new DisconnectError(DISCONNECT.KEY_EXCHANGE_FAILED, `unsupported kex ${chosen.kex}`);
    const hostKey = this.opts.hostKeys.find((k) => k.algorithms.includes(chosen.hostKey));
    if (!hostKey) throw new DisconnectError(DISCONNECT.KEY_EXCHANGE_FAILED, `no host key for ${chosen.hostKey}`);

    let skipGuess = guessWasWrong(client, ours);
    const prefix = exchangeHashPrefix(
      this.clientVersion,
      this.opts.serverVersion,
      clientKexInitPayload,
      this.ourKexInit!,
      hostKey.publicBlob,
    );
    const result = await method.serve({
      crypto: this.opts.crypto,
      read: async () => {
        if (skipGuess) {
          skipGuess = false;
          await this.readKexPacket();
        }
        return this.readKexPacket();
      },
      send: (payload) => this.writeRaw(this.sealPacket(payload)),
      hostKeyBlob: hostKey.publicBlob,
      sign: (data) => hostKey.sign(chosen.hostKey, data),
      hashPrefix: prefix,
    });
    const h = result.exchangeHash;
    const firstKex = this.sessionId === undefined;
    if (firstKex) this.sessionId = h;
    this.writeRaw(this.sealPacket(new Uint8Array([MSG.NEWKEYS])));

    const keys = (letter: string, n: number) =>
      deriveKey(this.opts.crypto, method.hash, result.sharedSecret, h, letter, this.sessionId!, n);
    const outCipher = this.makeCipher(chosen.encS2C, chosen.macS2C, keys, "B", "D", "F", "encrypt");
    this.writer.setCipher(outCipher);
    if (this.strictKex) this.writer.seq = 0;
    // Like OpenSSH, every NEWKEYS starts fresh zlib streams (delayed ones only after authentication).
    this.compressOut = this.compressionStarts(chosen.compS2C) ? new Compressor() : undefined;

    const nk = await this.readKexPacket();
    if (nk[0] !== MSG.NEWKEYS) throw protocolError(`expected NEWKEYS, got ${nk[0]}`);
    // EXT_INFO is still the next packet after our NEWKEYS (RFC 8308 §2.4), but sent only now: answering the
    // client's NEWKEYS at once lets our ACK ride on it instead of a ~40 ms delayed ACK stalling the client.
    if (firstKex && this.clientExtInfo) {
      this.writeRaw(this.sealPacket(extInfoMessage(this.opts.serverSigAlgs, this.opts.extraExtensions)));
    }
    const inCipher = this.makeCipher(chosen.encC2S, chosen.macC2S, keys, "A", "C", "E", "decrypt");
    this.reader.setCipher(inCipher);
    if (this.strictKex) this.reader.seq = 0;
    this.decompressIn = this.compressionStarts(chosen.compC2S) ? new Decompressor() : undefined;

    this.negotiated = chosen;
    this.hostKey = hostKey;
    this.kexCount++;
    this.lastKexAt = Date.now();
    this.ourKexInit = undefined;
    const held = this.held;
    this.held = [];
    this.heldBytes = 0;
    for (const m of held) this.writeRaw(this.sealPacket(m));
  }

  /** One direction's cipher; a non-AEAD cipher is paired with the negotiated MAC, keyed from `macLetter`. */
  private makeCipher(
    name: string,
    macName: string | undefined,
    keys: (letter: string, n: number) => Uint8Array,
    ivLetter: string,
    keyLetter: string,
    macLetter: string,
    direction: "encrypt" | "decrypt",
  ): PacketCipher {
    const spec = findCipher(name);
    if (!spec) throw new DisconnectError(DISCONNECT.KEY_EXCHANGE_FAILED, `unsupported cipher ${name}`);
    const iv = spec.ivLength ? keys(ivLetter, spec.ivLength) : new Uint8Array(0);
    const key = keys(keyLetter, spec.keyLength);
    if (spec.aead) return spec.create(this.opts.crypto, key, iv, direction);
    const mac = macName === undefined ? undefined : findMac(macName);
    if (!mac) throw new DisconnectError(DISCONNECT.KEY_EXCHANGE_FAILED, `unsupported MAC ${macName}`);
    return spec.create(this.opts.crypto, key, iv, direction, { algorithm: mac, key: keys(macLetter, mac.keyLength) });
  }
}
