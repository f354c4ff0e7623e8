/**
 * The channel receive window (src/ssh/channel_window.ts): re-opening cadence,
 * overruns, growth by trial (kept when it pays, undone when it does not), the
 * memory bound, and the same on a real Channel.
 */
import { assert, assertEquals } from "../_helpers/assert.ts";
import {
  ADJUST_DIVISOR,
  EPOCH_MIN_MS,
  IDLE_MS,
  MAX_TRIAL_BACKOFF,
  ReceiveWindow,
  WindowBudget,
} from "../../src/ssh/channel_window.ts";
import { Channel, type ChannelSink } from "../../src/ssh/channel.ts";
import { MSG } from "../../src/ssh/messages.ts";

const KiB = 1024;
const MiB = 1024 * KiB;

Deno.test("channel window: re-opened once an eighth has been read, by exactly what was read", () => {
  const w = new ReceiveWindow(64 * KiB);
  assertEquals(ADJUST_DIVISOR, 8);
  assert(w.receive(16 * KiB));
  assertEquals(w.available, 48 * KiB);
  assertEquals(w.consume(8 * KiB - 1), 0);
  assertEquals(w.consume(1), 8 * KiB);
  assertEquals(w.available, 56 * KiB);
  assertEquals(w.consume(8 * KiB), 8 * KiB);
  assertEquals(w.available, 64 * KiB);
});

Deno.test("channel window: data beyond the credit is refused and not counted", () => {
  const w = new ReceiveWindow(1000);
  assert(w.receive(1000));
  assertEquals(w.receive(1), false);
  assertEquals(w.available, 0);
  assertEquals(w.consume(1000), 1000);
  assert(w.receive(1000));
});

Deno.test("channel window: bad sizes are refused", () => {
  for (const [a, b] of [[0, 0], [-1, 10], [10, 5], [NaN, 10]]) {
    let err: unknown;
    try {
      new ReceiveWindow(a, b);
    } catch (e) {
      err = e;
    }
    assert(err instanceof RangeError, `${a}..${b}`);
  }
});

/**
 * A transfer through a link: the peer sends whatever its credit allows, at most `linkPerMs`
 * bytes per ms, in 32 KiB packets that arrive `oneWayMs` later; grants take as long back. The
 * consumer reads `readPerMs` per ms (Infinity: all that arrived). Returns what was observed.
 */
function simulate(o: {
  w: ReceiveWindow;
  clock: { t: number };
  ms: number;
  oneWayMs: number;
  linkPerMs: number;
  readPerMs?: number;
}) {
  const { w, clock } = o;
  let peerCredit = w.available;
  const inFlight: Array<{ at: number; n: number }> = [];
  const grants: Array<{ at: number; n: number }> = [];
  let unread = 0;
  let delivered = 0;
  let maxOutstanding = 0;
  let maxSize = w.size;
  const sizes: number[] = [];
  const end = clock.t + o.ms;
  for (; clock.t < end; clock.t++) {
    for (let budget = Math.min(peerCredit, o.linkPerMs); budget > 0;) {
      const n = Math.min(budget, 32 * KiB);
      inFlight.push({ at: clock.t + o.oneWayMs, n });
      peerCredit -= n;
      budget -= n;
    }
    while (grants.length && grants[0].at <= clock.t) peerCredit += grants.shift()!.n;
    while (inFlight.length && inFlight[0].at <= clock.t) {
      const n = inFlight.shift()!.n;
      assert(w.receive(n), `the peer overran the window at ${clock.t} ms`);
      unread += n;
    }
    let read = Math.min(unread, o.readPerMs ?? Infinity);
    while (read > 0) {
      const n = Math.min(read, 32 * KiB);
      read -= n;
      unread -= n;
      delivered += n;
      const g = w.consume(n);
      if (g > 0) grants.push({ at: clock.t + o.oneWayMs, n: g });
    }
    if (unread === 0) w.starved(); // drained: the reader waits for more
    const outstanding = peerCredit + inFlight.reduce((a, f) => a + f.n, 0) + unread;
    maxOutstanding = Math.max(maxOutstanding, outstanding);
    maxSize = Math.max(maxSize, w.size);
    sizes.push(w.size);
  }
  return { delivered, maxOutstanding, maxSize, sizes, unread };
}

Deno.test("channel window: grows while the window limits a transfer with latency, up to the maximum", () => {
  const clock = { t: 0 };
  const w = new ReceiveWindow(256 * KiB, 3 * MiB, () => clock.t);
  // 20 ms round trip, a fast link: 256 KiB per round trip is the limit
  const first = simulate({ w, clock, ms: 300, oneWayMs: 10, linkPerMs: 4 * MiB });
  const r = simulate({ w, clock, ms: 4000, oneWayMs: 10, linkPerMs: 4 * MiB });
  assertEquals(w.size, 3 * MiB);
  assert(r.delivered / 4000 > 8 * (first.delivered / 300), `${r.delivered / 4000} vs ${first.delivered / 300} B/ms`);
  // the memory bound: credit, data in flight and unread data never exceed the maximum window
  assert(r.maxOutstanding <= 3 * MiB, `outstanding ${r.maxOutstanding}`);
  assertEquals(r.maxSize, 3 * MiB);
});

Deno.test("channel window: the connection's budget caps the growth of all its windows; release gives it back", () => {
  const budget = new WindowBudget(1 * MiB);
  const clock = { t: 0 };
  const a = new ReceiveWindow(256 * KiB, 3 * MiB, () => clock.t, budget);
  const b = new ReceiveWindow(256 * KiB, 3 * MiB, () => clock.t, budget);
  simulate({ w: a, clock, ms: 4000, oneWayMs: 10, linkPerMs: 4 * MiB });
  simulate({ w: b, clock, ms: 4000, oneWayMs: 10, linkPerMs: 4 * MiB });
  assert(a.size > 256 * KiB, "the first window grew");
  assert(a.size - 256 * KiB + (b.size - 256 * KiB) <= 1 * MiB, `${a.size} + ${b.size} beyond the budget`);
  assert(a.size < 3 * MiB, "the budget stopped it below its own maximum");
  const before = budget.available;
  a.release();
  assertEquals(budget.available, before + (a.size - 256 * KiB));
  a.release(); // twice is harmless
  assertEquals(budget.available, before + (a.size - 256 * KiB));
});

Deno.test("channel window: a trial that does not pay is undone, and retried ever less often", () => {
  const clock = { t: 0 };
  const w = new ReceiveWindow(1 * MiB, 16 * MiB, () => clock.t);
  // the link carries 16 KiB/ms with a 20 ms round trip: 320 KiB in flight is all it takes
  const r = simulate({ w, clock, ms: 60_000, oneWayMs: 10, linkPerMs: 16 * KiB });
  assertEquals(r.maxSize, 2 * MiB, "only one doubling is ever tried");
  const tried = r.sizes.filter((s) => s > 1 * MiB).length;
  assert(tried > 0, "growth was tried");
  assert(tried < r.sizes.length / 10, `a larger window was kept ${tried} of ${r.sizes.length} ms`);
  // trials space out: the last ones are MAX_TRIAL_BACKOFF epochs apart
  const starts = r.sizes.flatMap((s, i) => (s > 1 * MiB && r.sizes[i - 1] === 1 * MiB ? [i] : []));
  assert(starts.length >= 5, `${starts.length} trials`);
  const lastGap = starts[starts.length - 1] - starts[starts.length - 2];
  assert(lastGap >= MAX_TRIAL_BACKOFF * EPOCH_MIN_MS, `last trials ${lastGap} ms apart`);
  assertEquals(w.size, 1 * MiB);
});

Deno.test("channel window: a consumer slower than the peer never grows it", () => {
  const clock = { t: 0 };
  const w = new ReceiveWindow(256 * KiB, 16 * MiB, () => clock.t);
  const r = simulate({ w, clock, ms: 10_000, oneWayMs: 1, linkPerMs: 1 * MiB, readPerMs: 8 * KiB });
  assertEquals(r.maxSize, 256 * KiB);
  assert(r.unread > 200 * KiB, "the unread data is the (fixed) window");
});

Deno.test("channel window: a fixed window (max = initial) never grows", () => {
  const clock = { t: 0 };
  const w = new ReceiveWindow(256 * KiB, 256 * KiB, () => clock.t);
  const r = simulate({ w, clock, ms: 5000, oneWayMs: 10, linkPerMs: 4 * MiB });
  assertEquals(r.maxSize, 256 * KiB);
});

/** One epoch of 64 KiB in two 32 KiB reads with a wait between them, `ms` long; returns the last grant. */
function epoch(w: ReceiveWindow, clock: { t: number }, ms: number): number {
  assert(w.receive(32 * KiB));
  w.consume(32 * KiB);
  w.starved();
  clock.t += ms;
  assert(w.receive(32 * KiB));
  return w.consume(32 * KiB);
}

Deno.test("channel window: a failed trial halves the window back and withholds the extra credit", () => {
  const clock = { t: 0 };
  const w = new ReceiveWindow(64 * KiB, 128 * KiB, () => clock.t);
  assertEquals(epoch(w, clock, EPOCH_MIN_MS), 32 * KiB, "start-up epoch: no trial");
  assertEquals(w.size, 64 * KiB);
  assertEquals(epoch(w, clock, EPOCH_MIN_MS), 32 * KiB + 64 * KiB, "next epoch: a trial doubles the window");
  assertEquals(w.size, 128 * KiB);
  assertEquals(w.available, 128 * KiB);
  // the trial epoch (128 KiB) moves data no faster than before: 64 KiB per 100 ms
  assert(w.receive(128 * KiB));
  clock.t += 2 * EPOCH_MIN_MS;
  assertEquals(w.consume(64 * KiB), 64 * KiB, "re-opened as usual during the trial");
  assertEquals(w.consume(64 * KiB), 0, "trial failed: the last 64 KiB read are not handed back");
  assertEquals(w.size, 64 * KiB);
  assertEquals(w.available, 64 * KiB, "the peer is back to the original window");
  assert(w.receive(64 * KiB));
  assertEquals(w.consume(64 * KiB), 64 * KiB, "and it is re-opened as before");
});

Deno.test("channel window: a trial that pays is kept", () => {
  const clock = { t: 0 };
  const w = new ReceiveWindow(64 * KiB, 256 * KiB, () => clock.t);
  epoch(w, clock, EPOCH_MIN_MS);
  epoch(w, clock, EPOCH_MIN_MS);
  assertEquals(w.size, 128 * KiB);
  // 128 KiB in the same 100 ms: twice as fast
  epoch(w, clock, EPOCH_MIN_MS / 2);
  epoch(w, clock, EPOCH_MIN_MS / 2);
  assertEquals(w.size, 256 * KiB, "kept, and the next trial starts at once");
  // 256 KiB in 200 ms is no faster: back to 128 KiB, not to the start
  for (let i = 0; i < 4; i++) epoch(w, clock, EPOCH_MIN_MS / 2);
  assertEquals(w.size, 128 * KiB);
});

Deno.test("channel window: waiting before data came, or an idle pause, is not judged", () => {
  const clock = { t: 0 };
  const w = new ReceiveWindow(64 * KiB, 1 * MiB, () => clock.t);
  for (let i = 0; i < 5; i++) {
    w.starved(); // nothing came in this epoch yet: the peer is simply quiet
    clock.t += EPOCH_MIN_MS;
    assert(w.receive(64 * KiB));
    w.consume(64 * KiB);
  }
  assertEquals(w.size, 64 * KiB, "no wait counted: no trial");
  // an idle pause during a trial restarts the epoch instead of failing the trial
  const g = new ReceiveWindow(64 * KiB, 1 * MiB, () => clock.t);
  epoch(g, clock, EPOCH_MIN_MS);
  epoch(g, clock, EPOCH_MIN_MS);
  assertEquals(g.size, 128 * KiB, "trial running");
  g.starved();
  clock.t += IDLE_MS + 1;
  assert(g.receive(32 * KiB));
  g.consume(32 * KiB);
  assertEquals(g.size, 128 * KiB, "the pause did not end the trial");
  // after the pause the trial epoch runs fast (160 KiB in 100 ms): judged on that, it is kept
  epoch(g, clock, EPOCH_MIN_MS / 2);
  epoch(g, clock, EPOCH_MIN_MS / 2);
  assertEquals(g.size, 256 * KiB, "the pause did not fail the trial");
});

Deno.test("channel: a fast reader behind latency grows the window; a stalled one holds at most the window", async () => {
  const adjusts: number[] = [];
  const sink: ChannelSink = {
    send(p) {
      if (p[0] === MSG.CHANNEL_WINDOW_ADJUST) adjusts.push(new DataView(p.buffer, p.byteOffset).getUint32(5));
    },
    sendWith() {},
    waitWritable: () => Promise.resolve(),
    release() {},
  };
  const ch = new Channel(sink, 0, 0, 1 << 20, 32768, 64 * KiB, 32 * KiB, 1 * MiB);
  assertEquals(ch.receiveWindow, 64 * KiB);
  // the peer: sends its credit in 32 KiB packets, each batch 5 ms after the grant that allowed it
  let credit = 64 * KiB;
  let sent = 0;
  const peer = async (until: number) => {
    while (Date.now() < until) {
      while (adjusts.length) credit += adjusts.shift()!;
      await new Promise((r) => setTimeout(r, 5));
      for (; credit >= 32 * KiB; credit -= 32 * KiB, sent += 32 * KiB) ch.receiveData(new Uint8Array(32 * KiB));
    }
  };
  let read = 0;
  let reading = true;
  const reader = (async () => {
    while (reading) {
      const c = await ch.read();
      if (c === null) break;
      read += c.length;
    }
  })();
  await peer(Date.now() + 1500);
  assert(ch.receiveWindow > 64 * KiB, `window ${ch.receiveWindow} after ${read} bytes`);
  assert(ch.receiveWindow <= 1 * MiB);
  // the reader stops (after one more chunk): the peer fills the window, and not one byte more
  reading = false;
  await peer(Date.now() + 300);
  await reader;
  while (adjusts.length) credit += adjusts.shift()!;
  const unread = sent - read;
  assert(unread > 0 && unread <= ch.receiveWindow, `unread ${unread}, window ${ch.receiveWindow}`);
  assert(credit < 32 * KiB, `the peer still has ${credit} bytes of credit`);
  let err: unknown;
  try {
    ch.receiveData(new Uint8Array(32 * KiB));
  } catch (e) {
    err = e;
  }
  assert(String(err).includes("window"), String(err));
});
