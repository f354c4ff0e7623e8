/**
 * Pumps a forwarding channel to and from a {@link ForwardStream} with flow
 * control both ways: the channel's window stops the client when the stream
 * does not take data, and not reading the stream stops its producer while
 * the client's window is shut. EOF travels each way on its own (half-close),
 * so `ssh -L` to a server that answers after the request's EOF works.
 *
 * @module
 */
import type { Channel } from "./channel.ts";
import type { ForwardStream } from "./forward_ops.ts";

/**
 * Run both directions until each has ended, then close both ends. Never
 * throws: a failing stream closes the channel.
 *
 * @example
 * ```ts
 * void pumpChannel(channel, await runtime.connect({ hostname: "127.0.0.1", port: 80 }));
 * ```
 */
export async function pumpChannel(ch: Channel, stream: ForwardStream): Promise<void> {
  let failed = false;
  const fail = () => {
    failed = true;
    stream.close();
    ch.sendClose();
  };
  const toStream = async () => {
    try {
      for (let c = await ch.read(); c; c = await ch.read()) await stream.write(c);
      if (!failed && !ch.closeSent) await stream.closeWrite();
    } catch {
      fail();
    }
  };
  const toChannel = async () => {
    try {
      for (let c = await stream.read(); c; c = await stream.read()) {
        await ch.write(c);
        if (ch.closeSent || ch.remoteClosed) break;
      }
      ch.sendEof();
    } catch {
      fail();
    }
  };
  // The client closed the channel: once what it sent is written out, stop reading the stream.
  const drained = toStream();
  void ch.closed.then(() => drained.then(() => stream.close()));
  await Promise.all([drained, toChannel()]);
  ch.sendClose();
  stream.close();
}
