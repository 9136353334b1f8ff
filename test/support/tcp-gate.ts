import net from 'node:net';

export interface TcpGate {
  /** The loopback port clients connect to. */
  port: number;
  /** Cuts every connection through the gate and refuses new ones until open(): a partition. */
  close(): void;
  open(): void;
  /** Ends the gate for good. */
  stop(): Promise<void>;
}

export interface TcpGateOptions {
  /**
   * When the server closes a connection, connect to it again and keep the client's side open, as
   * a pooling proxy or load balancer in front of Redis does: the client never sees the close. (A
   * request in flight at the close goes unanswered: use it where the client is idle then.)
   */
  holdClientSide?: boolean;
}

/**
 * A loopback TCP forwarder to `targetPort` that a test can shut: a network partition between a
 * client and one server, with the server itself untouched. Not a Redis stand-in: bytes pass as
 * they are.
 */
export async function startTcpGate(targetPort: number, options: TcpGateOptions = {}): Promise<TcpGate> {
  const live = new Set<net.Socket>();
  let shut = false;
  const track = (socket: net.Socket) => {
    live.add(socket);
    socket.on('close', () => live.delete(socket));
  };
  const server = net.createServer((client) => {
    if (shut) {
      client.destroy();
      return;
    }
    track(client);
    client.on('error', () => client.destroy());
    let upstream: net.Socket;
    const connectUpstream = () => {
      upstream = net.connect(targetPort, '127.0.0.1');
      track(upstream);
      upstream.on('error', () => upstream.destroy());
      // Bytes from the client wait (paused) until the new server connection is up: none go to a closed one.
      upstream.once('connect', () => client.pipe(upstream, { end: false }));
      upstream.pipe(client, { end: false });
      upstream.on('close', () => {
        client.unpipe(upstream);
        client.pause();
        if (options.holdClientSide && !shut && !client.destroyed) connectUpstream();
        else client.destroy();
      });
    };
    connectUpstream();
    client.on('end', () => client.destroy()); // the client hung up: end both sides
    client.on('close', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const cutAll = () => {
    for (const socket of live) socket.destroy();
  };
  return {
    port: (server.address() as net.AddressInfo).port,
    close() {
      shut = true;
      cutAll();
    },
    open() {
      shut = false;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        shut = true;
        cutAll();
        server.close(() => resolve());
      }),
  };
}
