/**
 * Our receive window of one channel (RFC 4254 §5.2): how much the peer may
 * still send. It is re-opened with WINDOW_ADJUST as the consumer reads, and
 * grown only where growing it is seen to help.
 *
 * - **Re-opening**: once an eighth of the window has been read it is handed
 *   back in one WINDOW_ADJUST, so the peer's credit stays near the full window
 *   (OpenSSH re-opens after three packets or half the window). Re-opening at
 *   half instead halves what a link with latency carries: `sftp put` over an
 *   emulated 20 ms round trip went from 45 to 70 MB/s (OpenSSH: 66).
 * - **Growth, by trial**: after an *epoch* (a window's worth of data read, and
 *   at least 100 ms) in which the consumer had to wait for data, the window
 *   doubles (up to `max`) and the next epoch is a trial: unless it moved data
 *   at least 25% faster than the better of the two epochs before, the window
 *   goes back to its size before and the next trial waits 2, 4, … 64 epochs. The first epoch
 *   (start-up) never starts a trial.
 *   A window is kept only when it is what limited the transfer (latency). A
 *   blind larger window is not free: with OpenSSH's client on loopback, 16 MiB
 *   instead of 2 MiB made uploads 2–3× slower (the client buffers and copies
 *   whatever the window lets it read ahead), so trials that do not pay are undone.
 *
 * Memory stays bounded: the peer never has more than the window outstanding
 * (unread here, or in flight), and the window never exceeds `max`; a consumer
 * slower than the peer never waits for data, so it never starts a trial.
 *
 * @example
 * ```ts
 * const w = new ReceiveWindow(2 << 20, 16 << 20);
 * if (!w.receive(32768)) throw new Error("the peer overran its window");
 * w.starved();                     // the reader found nothing to read and waits
 * const adjust = w.consume(32768); // bytes to grant in a WINDOW_ADJUST now (0: not yet)
 * ```
 * @module
 */

/** Fraction of the window read before it is re-opened (1/8). */
export const ADJUST_DIVISOR = 8;
/** A trial keeps the doubled window only if its epoch is at least this much faster. */
export const TRIAL_GAIN = 1.25;
/** Epochs between trials after a failed one: starts at 2, doubles per failure up to this. */
export const MAX_TRIAL_BACKOFF = 64;
/** An epoch lasts at least this long (ms), so that its rate is not scheduler noise. */
export const EPOCH_MIN_MS = 100;
/** A wait for data longer than this (ms) is idleness, not a transfer: the epoch's clock restarts. */
export const IDLE_MS = 1000;

/** The receive-side flow-control state of one channel. */
export class ReceiveWindow {
  /** Growth beyond `initial` taken from the shared budget. */
  private borrowed = 0;
  /** Credit the peer has left: bytes it may still send. */
  private credit: number;
  /** Bytes received and not yet read. */
  private held = 0;
  /** The window: credit + held never exceeds it once the adjusts catch up. */
  private current: number;
  /** Bytes read in this epoch, and when the epoch started. */
  private epochBytes = 0;
  private epochStart: number;
  /** The consumer waited for data in this epoch, after some had come. */
  private waited = false;
  /** When the current wait began, or -1. */
  private waitSince = -1;
  /** Bytes per ms of the last two epochs. */
  private rates: [number, number] = [0, 0];
  /** This epoch is a trial of a doubled window; the size before it. */
  private trial = false;
  private before = 0;
  /** Epochs to let pass before the next trial (the first is start-up), and the back-off after the next failure. */
  private holdOff = 1;
  private backoff = 2;

  /**
   * @param initial the window granted at channel open
   * @param max the largest the window may grow to (`initial` = a fixed window)
   * @param now a millisecond clock (tests pass a fake one)
   */
  constructor(
    readonly initial: number,
    readonly max: number = initial,
    private readonly now: () => number = () => performance.now(),
    /** Shared by the channels of one connection: growth beyond `initial` is taken from it. */
    private readonly budget?: WindowBudget,
  ) {
    if (!(initial > 0) || !(max >= initial)) throw new RangeError(`bad channel window ${initial}..${max}`);
    this.credit = initial;
    this.current = initial;
    this.epochStart = now();
  }

  /** The current window size. */
  get size(): number {
    return this.current;
  }

  /** Credit the peer has left. */
  get available(): number {
    return this.credit;
  }

  /** `n` bytes arrived; false (and nothing counted) if that exceeds the peer's credit. */
  receive(n: number): boolean {
    if (n > this.credit) return false;
    this.credit -= n;
    this.held += n;
    return true;
  }

  /**
   * The consumer found nothing to read and waits for data. Only waits after
   * data has come in this epoch count (a quiet peer says nothing about the window).
   */
  starved(): void {
    if (this.epochBytes > 0) this.waited = true;
    if (this.waitSince < 0) this.waitSince = this.now();
  }

  /**
   * The consumer took `n` bytes. Returns the bytes to grant in a WINDOW_ADJUST
   * now, or 0 while less than an eighth of the window is to be handed back.
   */
  consume(n: number): number {
    if (this.waitSince >= 0) {
      const t = this.now();
      if (t - this.waitSince > IDLE_MS) this.restartEpoch(t); // idle, not slow: do not judge it
      this.waitSince = -1;
    }
    this.held -= n;
    this.epochBytes += n;
    if (this.epochBytes >= this.current) this.endEpoch();
    const grant = this.current - this.credit - this.held;
    if (grant < this.current / ADJUST_DIVISOR) return 0;
    this.credit += grant;
    return grant;
  }

  /** A window's worth was read: once the epoch is long enough, judge a trial, or start one. */
  private endEpoch(): void {
    const t = this.now();
    if (t - this.epochStart < EPOCH_MIN_MS) return;
    const rate = this.epochBytes / (t - this.epochStart);
    let mayTry = false;
    if (this.trial) {
      this.trial = false;
      if (rate < Math.max(...this.rates) * TRIAL_GAIN) {
        this.setSize(this.before);
        this.holdOff = this.backoff;
        this.backoff = Math.min(this.backoff * 2, MAX_TRIAL_BACKOFF);
      } else {
        this.backoff = 2;
        mayTry = true; // it paid: try the next doubling straight away
      }
    } else if (this.holdOff > 0) {
      this.holdOff--;
    } else {
      mayTry = true;
    }
    if (mayTry && this.waited && this.current < this.max) {
      const before = this.current;
      if (this.setSize(Math.min(this.max, this.current * 2))) {
        this.before = before;
        this.trial = true;
      }
    }
    this.rates = [this.rates[1], rate];
    this.restartEpoch(t);
  }

  /** Resize, borrowing growth from (or returning it to) the budget; false if the budget said no. */
  private setSize(size: number): boolean {
    const extra = size - this.initial - this.borrowed;
    if (extra > 0 && this.budget && !this.budget.take(extra)) return false;
    if (extra < 0) this.budget?.give(-extra);
    this.borrowed += extra;
    this.current = size;
    return true;
  }

  /** The channel is gone: return what it borrowed. */
  release(): void {
    if (this.borrowed > 0) this.budget?.give(this.borrowed);
    this.borrowed = 0;
  }

  private restartEpoch(t: number): void {
    this.epochBytes = 0;
    this.epochStart = t;
    this.waited = false;
  }
}

/**
 * How much the windows of one connection may grow in all, beyond their
 * initial size: unread data per connection stays below `maxChannels` ×
 * initial window + this budget, however the channels behave.
 *
 * @example
 * ```ts
 * const budget = new WindowBudget(64 << 20);
 * new ReceiveWindow(2 << 20, 16 << 20, undefined, budget);
 * ```
 */
export class WindowBudget {
  constructor(private left: number) {}

  /** Take `n` bytes of growth; false (nothing taken) if not that much is left. */
  take(n: number): boolean {
    if (n > this.left) return false;
    this.left -= n;
    return true;
  }

  /** Give `n` bytes back. */
  give(n: number): void {
    this.left += n;
  }

  /** What is left. */
  get available(): number {
    return this.left;
  }
}
