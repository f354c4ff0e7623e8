/**
 * Liveness of an authenticated connection: OpenSSH's ClientAliveInterval /
 * ClientAliveCountMax (a `keepalive@openssh.com` request with want_reply after
 * each interval of silence; too many unanswered ones end the connection) and
 * an optional hard idle timeout.
 *
 * @module
 */
import type { Transport } from "./transport/transport.ts";
import type { Limits } from "./config.ts";
import { MSG } from "./messages.ts";
import { SshWriter } from "./wire.ts";

/**
 * Watches one connection's silence.
 *
 * @example
 * ```ts
 * const live = new LivenessMonitor(transport, limits, (why) => transport.disconnect(11, why));
 * live.start(); … live.stop();
 * ```
 */
export class LivenessMonitor {
  private timer: ReturnType<typeof setInterval> | undefined;
  private unanswered = 0;

  constructor(
    private transport: Transport,
    private limits: Limits,
    /** Called once when the connection must end, with the reason. */
    private onTimeout: (reason: string) => void,
  ) {}

  /** Start the timer if any limit is set. */
  start(): void {
    const alive = this.limits.clientAliveIntervalMs;
    const idle = this.limits.idleTimeoutMs;
    const tick = Math.min(alive || Infinity, idle || Infinity);
    if (tick === Infinity) return;
    this.timer = setInterval(() => this.check(), Math.max(50, tick));
  }

  /** A reply to one of our keepalives arrived. */
  replied(): void {
    this.unanswered = 0;
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }

  private check(): void {
    const silent = Date.now() - this.transport.lastReceivedAt;
    const idle = this.limits.idleTimeoutMs;
    if (idle > 0 && silent >= idle) return this.end("Idle timeout");
    const alive = this.limits.clientAliveIntervalMs;
    if (alive <= 0) return;
    if (silent < alive) {
      this.unanswered = 0;
      return;
    }
    if (this.unanswered >= this.limits.clientAliveCountMax) return this.end("Timeout, client not responding");
    this.unanswered++;
    this.transport.send(
      new SshWriter(40).byte(MSG.GLOBAL_REQUEST).string("keepalive@openssh.com").boolean(true).bytes(),
    );
  }

  private end(reason: string): void {
    this.stop();
    this.onTimeout(reason);
  }
}
