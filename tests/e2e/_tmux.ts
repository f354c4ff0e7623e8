/**
 * Drive an interactive terminal program through tmux: type with send-keys,
 * read the screen (and scrollback) with capture-pane.
 *
 * @module
 */

function tmux(args: string[]): string {
  const out = new Deno.Command("tmux", { args, stdout: "piped", stderr: "piped" }).outputSync();
  if (!out.success) throw new Error(`tmux ${args.join(" ")}: ${new TextDecoder().decode(out.stderr)}`);
  return new TextDecoder().decode(out.stdout);
}

/** One detached tmux session running a command. */
export class TmuxSession {
  readonly name: string;

  constructor(command: string, cols = 100, rows = 30) {
    this.name = `tsshd-${crypto.randomUUID().slice(0, 8)}`;
    tmux(["new-session", "-d", "-s", this.name, "-x", String(cols), "-y", String(rows), command]);
    tmux(["set-option", "-t", this.name, "remain-on-exit", "off"]);
  }

  /** Type literal text (no Enter). */
  type(text: string): void {
    tmux(["send-keys", "-t", this.name, "-l", text]);
  }

  /** Type a line and press Enter. */
  line(text: string): void {
    this.type(text);
    this.key("Enter");
  }

  /** Press keys by tmux name, e.g. `C-c`, `C-z`, `Enter`. */
  key(...keys: string[]): void {
    tmux(["send-keys", "-t", this.name, ...keys]);
  }

  /** The screen plus scrollback. */
  screen(): string {
    return tmux(["capture-pane", "-p", "-J", "-t", this.name, "-S", "-1000"]);
  }

  /** Resize the window (the pty gets SIGWINCH through ssh's window-change). */
  resize(cols: number, rows: number): void {
    tmux(["resize-window", "-t", this.name, "-x", String(cols), "-y", String(rows)]);
  }

  /** Wait until the screen matches `re`; returns the match. */
  async waitFor(re: RegExp, ms = 10000): Promise<RegExpMatchArray> {
    const deadline = Date.now() + ms;
    for (;;) {
      let s = "";
      try {
        s = this.screen();
      } catch {
        // session gone
      }
      const m = s.match(re);
      if (m) return m;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${re}; screen:\n${s}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** Whether the tmux session still exists. */
  alive(): boolean {
    return new Deno.Command("tmux", { args: ["has-session", "-t", this.name], stderr: "null" }).outputSync().success;
  }

  kill(): void {
    if (this.alive()) tmux(["kill-session", "-t", this.name]);
  }
}
