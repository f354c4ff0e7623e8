/**
 * Legacy `scp -O` built into the default ops: the server side of the old
 * rcp protocol (`scp -t` receives, `scp -f` sends) implemented here, so file
 * copies work where no `scp` binary is installed.
 *
 * @example
 * ```ts
 * exec(command, channel) {
 *   const scp = scpCommand(command);
 *   if (scp) {
 *     void runScp(scp, channel, { cwd: user.home }).then((code) => channel.exit({ code }));
 *     return true;
 *   }
 *   // …otherwise run the command in the user's shell
 * }
 * ```
 * @module
 */
import { readdir } from "node:fs/promises";
import { resolve } from "node:path";
import type { SessionChannel } from "../ssh/ops.ts";
import { type ScpArg, scpCommand, type ScpInvocation } from "./scp_command.ts";
import { formatError, ScpProtocolError } from "./scp_protocol.ts";
import { ScpAbort, ScpSession } from "./scp_session.ts";
import { runSink } from "./scp_sink.ts";
import { runSource, type SourcePath } from "./scp_source.ts";

export { type ScpArg, scpCommand, type ScpInvocation };

/** Where an scp command runs. */
export interface ScpOptions {
  /** Directory relative paths are resolved against (the user's home for sessions). */
  cwd: string;
  /** What `~` means; default `cwd`. */
  home?: string;
  /** Mask for received modes without `-p`; default `0o022`. */
  umask?: number;
}

/** Turn a glob (the last path component only) into a matcher, as `sh` does: no match for hidden names unless asked. */
function globMatcher(pattern: string): (name: string) => boolean {
  let re = "^";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === "*") re += ".*";
    else if (c === "?") re += ".";
    else if (c === "[" && pattern.indexOf("]", i + 2) > 0) {
      const end = pattern.indexOf("]", i + 2);
      let body = pattern.slice(i + 1, end);
      if (body[0] === "!") body = "^" + body.slice(1);
      re += `[${body.replace(/\\/g, "\\\\")}]`;
      i = end;
    } else re += c.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  }
  const rx = new RegExp(re + "$", "s");
  return (name) => (pattern.startsWith(".") || !name.startsWith(".")) && rx.test(name);
}

/** Apply `~` and glob expansion to one argument, the way the remote shell would have. */
async function expand(arg: ScpArg, o: ScpOptions): Promise<SourcePath[]> {
  const word = arg.tilde ? (o.home ?? o.cwd) + arg.word.slice(1) : arg.word;
  const literal = [{ path: resolve(o.cwd, word), display: word }];
  if (!arg.glob) return literal;
  const slash = word.lastIndexOf("/");
  const dirPart = slash < 0 ? "" : word.slice(0, slash + 1);
  const matches = globMatcher(word.slice(slash + 1));
  let names: string[];
  try {
    names = (await readdir(resolve(o.cwd, dirPart || "."))).filter(matches).sort();
  } catch {
    return literal;
  }
  if (names.length === 0) return literal;
  return names.map((n) => ({ path: resolve(o.cwd, dirPart + n), display: dirPart + n }));
}

/**
 * Run one legacy scp transfer over `channel`; resolves to the exit status
 * (0, or 1 when anything failed). Never rejects.
 *
 * @example
 * ```ts
 * const code = await runScp(scpCommand("scp -t up")!, channel, { cwd: "/home/u" });
 * channel.exit({ code });
 * ```
 */
export async function runScp(inv: ScpInvocation, channel: SessionChannel, options: ScpOptions): Promise<number> {
  const s = new ScpSession(channel);
  try {
    if (inv.mode === "sink") {
      if (inv.args.length !== 1) throw new ScpProtocolError("ambiguous target");
      const a = inv.args[0];
      const display = a.tilde ? (options.home ?? options.cwd) + a.word.slice(1) : a.word;
      await runSink(s, { path: resolve(options.cwd, display), display }, {
        recursive: inv.recursive,
        preserve: inv.preserve,
        targetMustBeDir: inv.targetMustBeDir,
        umask: options.umask ?? 0o022,
      });
    } else {
      const sources: SourcePath[] = [];
      for (const a of inv.args) sources.push(...await expand(a, options));
      await runSource(s, sources, { recursive: inv.recursive, preserve: inv.preserve });
    }
    return s.errors > 0 ? 1 : 0;
  } catch (e) {
    if (e instanceof ScpAbort) return 1;
    const message = e instanceof ScpProtocolError ? e.message : `error: ${(e as Error)?.message ?? e}`;
    await channel.write(formatError(message, true)).catch(() => {});
    return 1;
  }
}
