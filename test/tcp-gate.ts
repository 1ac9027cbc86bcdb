import net from 'node:net';

/**
 * A TCP port in front of a server on loopback, that a test can take down and bring back like the server itself:
 * shut, the port refuses connections (ECONNREFUSED) and every open connection is cut; open again, on the same
 * port, it passes connections through.
 */
export interface TcpGate {
  readonly port: number;
  /** Refuses new connections and cuts the open ones. */
  shut(): Promise<void>;
  /** Listens on the same port again. */
  open(): Promise<void>;
  close(): Promise<void>;
}

export async function startTcpGate(targetPort: number): Promise<TcpGate> {
  const open = new Set<net.Socket>();
  let port = 0;
  let server: net.Server | null = null;

  const listen = async () => {
    const next = net.createServer((client) => {
      const upstream = net.connect(targetPort, '127.0.0.1');
      for (const [socket, other] of [
        [client, upstream],
        [upstream, client],
      ] as const) {
        open.add(socket);
        socket.on('error', () => other.destroy());
        socket.on('close', () => {
          open.delete(socket);
          other.destroy();
        });
      }
      client.pipe(upstream);
      upstream.pipe(client);
    });
    await new Promise<void>((resolve, reject) => {
      next.once('error', reject);
      next.listen(port, '127.0.0.1', () => resolve());
    });
    port = (next.address() as net.AddressInfo).port;
    server = next;
  };

  const shut = async () => {
    const closing = server;
    server = null;
    if (!closing) return;
    const closed = new Promise<void>((resolve) => closing.close(() => resolve()));
    for (const socket of open) socket.destroy();
    await closed;
  };

  await listen();
  return {
    get port() {
      return port;
    },
    shut,
    open: listen,
    close: shut,
  };
}
