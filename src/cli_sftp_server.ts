/**
 * `tsshd internal-sftp-server`: the SFTP subsystem over stdin/stdout, like
 * OpenSSH's `sftp-server`. In multi-user mode the server spawns it as the
 * logged-in user (through the same privilege drop as shells), so every file
 * operation is checked by the kernel against that user; the bytes of the
 * `sftp` subsystem channel are piped to and from it.
 *
 * Options: `--home DIR` (start directory and `~`; default `$HOME`, then
 * the account's home), `--root DIR` (confine to DIR, seen as `/`, like
 * `--sftp-root`), `--umask OCTAL` (default 022), `--client-version STR`
 * (the client's SSH identification string, for its quirks).
 * Exit status: 0 when the client closed the session, 1 after a fatal
 * protocol error, 2 for bad options.
 *
 * Try it with OpenSSH's client and no ssh at all:
 * `sftp -D "deno run -A cli.ts internal-sftp-server --home /tmp"`.
 *
 * @module
 */
import process from "node:process";
import { parseArgs } from "node:util";
import type { Readable, Writable } from "node:stream";
import { serveSftp } from "./sftp/server.ts";
import type { ExitStatus, SessionChannel } from "./ssh/ops.ts";
import { diskBackend } from "./ops/sftp_fs.ts";
import { idNames } from "./ops/sftp_users.ts";
import { ChunkQueue } from "./runtime/chunk_queue.ts";
import { currentUserFromOs } from "./runtime/node_common.ts";
import { detectRuntime } from "./runtime/mod.ts";
import type { Runtime } from "./runtime/types.ts";

/** The subcommand's name (argv[0] of the tsshd command line). */
export const SFTP_SERVER_COMMAND = "internal-sftp-server";

/**
 * Parsed options of the subcommand.
 *
 * @example
 * ```ts
 * const o: SftpServerSettings = { home: "/home/alice", root: undefined, umask: 0o022, clientVersion: "SSH-2.0-OpenSSH_9.6" };
 * ```
 */
export interface SftpServerSettings {
  home: string;
  root?: string;
  umask: number;
  clientVersion?: string;
}

/**
 * Bad subcommand options.
 *
 * @example
 * ```ts
 * try { parseSftpServerArgs(["--umask", "x"], "/"); } catch (e) { console.error((e as SftpServerUsageError).message); }
 * ```
 */
export class SftpServerUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SftpServerUsageError";
  }
}

/**
 * Parses the options after the subcommand name.
 *
 * @example
 * ```ts
 * parseSftpServerArgs(["--root", "/srv/share", "--umask", "027"], "/home/alice");
 * // { home: "/home/alice", root: "/srv/share", umask: 0o027, clientVersion: undefined }
 * ```
 */
export function parseSftpServerArgs(argv: string[], defaultHome: string): SftpServerSettings {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        home: { type: "string" },
        root: { type: "string" },
        umask: { type: "string" },
        "client-version": { type: "string" },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (e) {
    throw new SftpServerUsageError((e as Error).message);
  }
  const umaskText = values.umask ?? "022";
  if (!/^[0-7]{1,4}$/.test(umaskText)) throw new SftpServerUsageError(`--umask ${umaskText}: expected an octal mask`);
  return {
    home: values.home ?? defaultHome,
    root: values.root,
    umask: parseInt(umaskText, 8) & 0o777,
    clientVersion: values["client-version"],
  };
}

/**
 * A {@link SessionChannel} over a readable and a writable Node stream
 * (stdin/stdout of the helper). Reading pauses the input above 1 MiB unread;
 * writes resolve once the stream accepted them (or drained). `status`
 * resolves with the exit code once the session called `exit` or `close` and
 * the output was flushed.
 *
 * @example
 * ```ts
 * const { channel, status } = streamChannel(process.stdin, process.stdout, process.stderr);
 * void serveSftp(channel, backend);
 * process.exitCode = await status;
 * ```
 */
export function streamChannel(
  input: Readable,
  output: Writable,
  errors: Writable,
): { channel: SessionChannel; status: Promise<number> } {
  const queue = new ChunkQueue({ onHigh: () => input.pause(), onLow: () => input.resume() });
  input.on("data", (d: Uint8Array) => queue.push(new Uint8Array(d.buffer, d.byteOffset, d.byteLength)));
  input.on("end", () => queue.end());
  input.on("error", () => queue.end());
  let finish!: (code: number) => void;
  const exitCode = new Promise<number>((resolve) => (finish = resolve));
  const write = (stream: Writable, data: Uint8Array): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      if (stream.destroyed || stream.writableEnded) return resolve(); // like a closed channel: drop
      if (stream.write(data)) resolve();
      else {
        stream.once("drain", resolve);
        stream.once("error", reject);
      }
    });
  const flush = (stream: Writable) => new Promise<void>((resolve) => stream.write(new Uint8Array(0), () => resolve()));
  const status = exitCode.then(async (code) => {
    await flush(output);
    input.pause();
    input.removeAllListeners("data");
    input.destroy();
    return code;
  });
  const channel: SessionChannel = {
    read: () => queue.read(),
    write: (data) => write(output, data),
    writeStderr: (data) => write(errors, data),
    eof() {},
    exit(s: ExitStatus) {
      finish("code" in s ? s.code : 1);
    },
    close() {
      finish(0);
    },
    closed: status.then(() => {}),
  };
  return { channel, status };
}

/**
 * Runs the subcommand on this process's stdin/stdout; resolves with the exit
 * status. `argv` holds the options after the subcommand name; `runtime`
 * (detected when absent) supplies the byte-path file calls for names that
 * are not UTF-8.
 *
 * @example
 * ```ts
 * if (argv[0] === SFTP_SERVER_COMMAND) return await runSftpServer(argv.slice(1), runtime);
 * ```
 */
export async function runSftpServer(argv: string[], runtime?: Runtime): Promise<number> {
  let settings: SftpServerSettings;
  try {
    settings = parseSftpServerArgs(argv, process.env.HOME || currentUserFromOs().home);
  } catch (e) {
    if (!(e instanceof SftpServerUsageError)) throw e;
    process.stderr.write(`tsshd ${SFTP_SERVER_COMMAND}: ${e.message}\n`);
    return 2;
  }
  const byteFs = (runtime ?? await detectRuntime()).byteFs;
  const backend = diskBackend({ home: settings.home, root: settings.root, umask: settings.umask, byteFs });
  const { channel, status } = streamChannel(process.stdin, process.stdout, process.stderr);
  const names = await idNames();
  serveSftp(channel, backend, { clientVersion: settings.clientVersion, names }).catch((e) => {
    process.stderr.write(`tsshd ${SFTP_SERVER_COMMAND}: ${(e as Error).message}\n`);
    channel.exit({ code: 1 });
  });
  return await status;
}
