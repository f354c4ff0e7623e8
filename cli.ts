/**
 * `tsshd`: the SSH server binary. Flags → config → {@link Server}; no
 * protocol logic lives here.
 *
 * Run: `deno run --allow-net --allow-read --allow-write --allow-env --allow-run --allow-ffi --allow-sys=uid,gid,homedir,userInfo,hostname,statfs cli.ts -p 2200`
 * or `bun cli.ts -p 2200`.
 *
 * @module
 */
import { detectRuntime } from "./src/runtime/mod.ts";
import { ListenError } from "./src/runtime/types.ts";
import { Server } from "./src/ssh/server.ts";
import { type Limits, TSSHD_VERSION } from "./src/ssh/config.ts";
import { defaultOps } from "./src/ops/default.ts";
import { stderrLogger } from "./src/ops/log.ts";
import { HostKeyFileError, loadOrCreateHostKey } from "./src/ops/host_keys.ts";
import { parseCli, USAGE, UsageError } from "./src/cli_args.ts";
import { access, readFile, stat } from "node:fs/promises";
import { parseModuli } from "./src/ssh/crypto/kex/moduli.ts";
import type { DhGroup } from "./src/ssh/crypto/kex/dh_groups.ts";
import process from "node:process";
import { hostname } from "node:os";
import { readPassphrase, runKeyCommand } from "./src/cli_keys.ts";
import { processPasswdIo, runPasswdCommand } from "./src/cli_passwd.ts";
import { authorizedKeysFiles } from "./src/cli_auth_args.ts";
import { authorizedKeysPath, type KeysCommandConfig } from "./src/ops/key_store.ts";
import { lookupAccount } from "./src/ops/accounts.ts";
import { runSftpServer, SFTP_SERVER_COMMAND } from "./src/cli_sftp_server.ts";

async function main(): Promise<number> {
  const runtime = await detectRuntime();
  const user = runtime.currentUser();
  const argv = runtime.args();
  if (argv[0] === SFTP_SERVER_COMMAND) return await runSftpServer(argv.slice(1));
  if (argv[0] === "passwd") return await runPasswdCommand(argv.slice(1), processPasswdIo(user.home));
  if (argv[0] === "keygen" || argv[0] === "fingerprint") {
    return await runKeyCommand(argv, {
      provider: runtime.crypto,
      out: (line) => console.log(line),
      err: (line) => console.error(line),
      env: (name) => runtime.env(name),
      defaultComment: `${user.name}@${hostname()}`,
    });
  }
  let settings;
  try {
    settings = parseCli(argv, user.home);
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(`tsshd: ${e.message}`);
      return 2;
    }
    throw e;
  }
  if (settings.help) {
    console.log(USAGE);
    return 0;
  }
  if (settings.version) {
    console.log(`tsshd ${TSSHD_VERSION} (${runtime.name})`);
    return 0;
  }
  const logger = stderrLogger(settings.verbose >= 1 ? 2 : 1, undefined, settings.logFormat);
  const hostKeys = [];
  let passphrase: Uint8Array | undefined;
  try {
    passphrase = await readPassphrase(settings, (name) => runtime.env(name));
  } catch (e) {
    console.error(`tsshd: ${(e as Error).message}`);
    return 1;
  }
  for (const path of settings.hostKeys) {
    try {
      const allowSshRsa = settings.hostKeyAlgorithms?.includes("ssh-rsa") ?? false;
      const k = await loadOrCreateHostKey(runtime.crypto, path, { passphrase, allowSshRsa });
      if (k.generated) console.log(`Generated new host key ${path}: ${k.label} ${k.fingerprint}`);
      hostKeys.push(k);
    } catch (e) {
      if (e instanceof HostKeyFileError) {
        console.error(`tsshd: ${e.message}`);
        return 1;
      }
      throw e;
    }
  }
  const keyFiles = authorizedKeysFiles(settings.authorizedKeys);
  for (const template of keyFiles) {
    if (template.toLowerCase() === "none") continue;
    const path = authorizedKeysPath(template, user);
    try {
      await access(path);
    } catch {
      logger.warn(`authorized keys file ${path} does not exist yet: its keys cannot log in until it does`);
    }
  }
  let keysCommand: KeysCommandConfig | undefined;
  if (settings.authorizedKeysCommand) {
    const runAsName = settings.authorizedKeysCommandUser;
    if (runAsName === undefined && user.uid === 0) {
      console.error("tsshd: --authorized-keys-command needs --authorized-keys-command-user when tsshd runs as root");
      return 1;
    }
    keysCommand = { argv: settings.authorizedKeysCommand };
    if (runAsName !== undefined && runAsName !== user.name) {
      const account = await lookupAccount(runAsName, { runtime });
      if (!account) {
        console.error(`tsshd: --authorized-keys-command-user ${runAsName}: no such user`);
        return 1;
      }
      if (user.uid !== 0 && account.uid !== user.uid) {
        console.error(
          `tsshd: --authorized-keys-command-user ${runAsName}: only root can run a program as another user`,
        );
        return 1;
      }
      keysCommand.runAs = { uid: account.uid, gid: account.gid, name: account.name };
    }
  }
  let banner: string | undefined;
  if (settings.banner !== undefined) {
    try {
      banner = await readFile(settings.banner, "utf8");
    } catch (e) {
      console.error(`tsshd: cannot read banner file ${settings.banner}: ${(e as Error).message}`);
      return 1;
    }
  }
  let dhGexModuli: DhGroup[] | undefined;
  if (settings.moduli !== undefined) {
    let text: string;
    try {
      text = await readFile(settings.moduli, "utf8");
    } catch (e) {
      console.error(`tsshd: cannot read moduli file ${settings.moduli}: ${(e as Error).message}`);
      return 1;
    }
    const parsed = parseModuli(text);
    for (const w of parsed.warnings) logger.warn(`${settings.moduli}: ${w}`);
    if (parsed.moduli.length === 0) {
      console.error(`tsshd: moduli file ${settings.moduli} has no usable groups`);
      return 1;
    }
    dhGexModuli = parsed.moduli;
  }
  if (settings.sftpRoot !== undefined) {
    try {
      if (!(await stat(settings.sftpRoot)).isDirectory()) throw new Error("not a directory");
    } catch (e) {
      console.error(`tsshd: --sftp-root ${settings.sftpRoot}: ${(e as Error).message}`);
      return 1;
    }
  }
  const ops = defaultOps({
    runtime,
    logger,
    authorizedKeys: keyFiles,
    authorizedKeysCommand: keysCommand,
    permitUserEnvironment: settings.permitUserEnvironment,
    shell: settings.shell,
    sftpRoot: settings.sftpRoot,
    sftpOnly: settings.sftpOnly,
    forwarding: settings.forwarding,
    allowAgentForwarding: settings.allowAgentForwarding,
    permitRootLogin: settings.permitRootLogin,
    userFilter: settings.userFilter,
    certificates: settings.certificates,
    passwords: settings.passwords,
    authenticationMethods: settings.authenticationMethods,
    hostbased: settings.hostbased,
  });
  if (settings.passwords.systemPasswords && user.uid !== 0) {
    console.error("tsshd: --system-passwords needs root (only root can read /etc/shadow)");
    return 1;
  }
  for (
    const [flag, file] of [
      ["--trusted-user-ca-keys", settings.certificates.trustedCaKeys],
      ["--revoked-keys", settings.certificates.revokedKeys],
    ] as const
  ) {
    if (file === undefined) continue;
    try {
      await access(file);
    } catch (e) {
      console.error(`tsshd: ${flag} ${file}: ${(e as Error).message}`);
      return 1;
    }
  }
  const limits: Partial<Limits> = {};
  if (settings.rekeyBytes !== undefined) limits.rekeyBytes = settings.rekeyBytes;
  if (settings.rekeyIntervalMs !== undefined) limits.rekeyIntervalMs = settings.rekeyIntervalMs;
  if (settings.clientAliveIntervalMs !== undefined) limits.clientAliveIntervalMs = settings.clientAliveIntervalMs;
  if (settings.clientAliveCountMax !== undefined) limits.clientAliveCountMax = settings.clientAliveCountMax;
  if (settings.loginGraceMs !== undefined) limits.loginGraceMs = settings.loginGraceMs || 2 ** 31 - 1;
  if (settings.maxAuthTries !== undefined) limits.maxAuthTries = settings.maxAuthTries;
  const server = new Server({
    hostKeys: hostKeys.map((k) => k.hostKey),
    ops,
    crypto: runtime.crypto,
    logger,
    limits,
    ciphers: settings.ciphers,
    macs: settings.macs,
    kex: settings.kex,
    dhGexModuli,
    hostKeyAlgorithms: settings.hostKeyAlgorithms,
    userSigAlgs: settings.pubkeyAcceptedAlgorithms,
    banner,
  });
  let listener;
  try {
    listener = await runtime.listen({ hostname: settings.listen, port: settings.port });
  } catch (e) {
    if (e instanceof ListenError) {
      console.error(`tsshd: ${listenErrorText(e, settings.listen, settings.port)}`);
      return 1;
    }
    throw e;
  }
  const addr = listener.addr;
  const host = addr.hostname === "0.0.0.0" || addr.hostname === "::" ? "127.0.0.1" : addr.hostname;
  console.log(`tsshd ${TSSHD_VERSION} (${runtime.name}) listening on ${addr.hostname} port ${addr.port}`);
  for (const k of hostKeys) console.log(`host key ${k.path}: ${k.label} ${k.fingerprint}`);
  console.log(`authorized keys: ${settings.authorizedKeys}`);
  console.log(`connect with: ssh -p ${addr.port} ${user.name}@${host.includes(":") ? `[${host}]` : host}`);
  const stop = () => {
    logger.info("Received signal; terminating.");
    listener.close();
    void server.close().finally(() => runtime.exit(0));
  };
  runtime.onSignal("SIGINT", stop);
  runtime.onSignal("SIGTERM", stop);
  await server.serve(listener);
  return 0;
}

/** One line for a failed bind, the same on every runtime. */
function listenErrorText(e: ListenError, host: string, port: number): string {
  const where = `${host.includes(":") ? `[${host}]` : host}:${port}`;
  switch (e.code) {
    case "EADDRINUSE":
      return `cannot listen on ${where}: address already in use (another process is listening there; pick another port with -p)`;
    case "EACCES":
      return `cannot listen on ${where}: permission denied (ports below 1024 need root)`;
    case "EADDRNOTAVAIL":
      return `cannot listen on ${where}: address not available on this machine`;
    default:
      return e.message;
  }
}

main().then(
  (code) => {
    if (code !== 0) process.exit(code);
  },
  (e) => {
    console.error(`tsshd: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  },
);
