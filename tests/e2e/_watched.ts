/**
 * A child process the e2e tests watch: its stdout and stderr collected as
 * text, waiting for a line to appear, and stopping it (SIGTERM, then SIGKILL).
 * Shared by the harness's tsshd and the forwarding tests' background programs.
 *
 * @module
 */

/** A watched child. */
export interface Watched {
  readonly pid: number;
  /** Everything it printed so far (stdout + stderr). */
  output(): string;
  /** It has exited and its output is complete. */
  exited(): boolean;
  /** Wait until the output matches `re`; throws if it exits first or `ms` pass. */
  waitFor(re: RegExp, ms?: number): Promise<RegExpMatchArray>;
  /** SIGTERM, then SIGKILL after the grace time; resolves when it has exited and its output is read. */
  stop(): Promise<void>;
}

/**
 * Watch `child` (spawned with piped stdout and stderr).
 *
 * @example
 * ```ts
 * const p = watch(new Deno.Command("ssh-agent", { args, stdout: "piped", stderr: "piped" }).spawn(), "ssh-agent");
 * await p.waitFor(/SSH_AUTH_SOCK/);
 * await p.stop();
 * ```
 */
export function watch(child: Deno.ChildProcess, label: string, killAfterMs = 3000): Watched {
  let text = "";
  let done = false;
  const wake: Array<() => void> = [];
  const pump = async (s: ReadableStream<Uint8Array>) => {
    const d = new TextDecoder();
    for await (const c of s) {
      text += d.decode(c, { stream: true });
      for (const w of wake.splice(0)) w();
    }
  };
  const pumps = Promise.all([pump(child.stdout), pump(child.stderr)]);
  const status = child.status.then(async (s) => {
    await pumps;
    done = true;
    for (const w of wake.splice(0)) w();
    return s;
  });
  return {
    pid: child.pid,
    output: () => text,
    exited: () => done,
    async waitFor(re, ms = 15000) {
      const deadline = Date.now() + ms;
      for (;;) {
        const m = text.match(re);
        if (m) return m;
        if (done) throw new Error(`${label} exited before ${re}:\n${text}`);
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`timed out waiting for ${re} from ${label}; output:\n${text}`);
        await new Promise<void>((r) => {
          const t = setTimeout(r, Math.min(left, 200));
          wake.push(() => {
            clearTimeout(t);
            r();
          });
        });
      }
    },
    async stop() {
      if (!done) {
        try {
          child.kill("SIGTERM");
        } catch { /* gone */ }
        const t = setTimeout(() => {
          try {
            child.kill("SIGKILL");
          } catch { /* gone */ }
        }, killAfterMs);
        await status;
        clearTimeout(t);
      }
      await status;
    },
  };
}
