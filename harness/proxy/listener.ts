// One listening socket for HTTP/1.1 and cleartext HTTP/2 with prior knowledge (how gRPC clients
// connect without TLS): the first bytes of each connection decide which server takes it, as
// Envoy's codec_type AUTO does.
import http from "node:http";
import http2 from "node:http2";
import net from "node:net";

const HTTP2_PREFACE = Buffer.from("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");

export type RequestHandler = (
  req: http.IncomingMessage | http2.Http2ServerRequest,
  res: http.ServerResponse | http2.Http2ServerResponse,
) => void;

export interface Listener {
  /** The HTTP/1.1 side, for its codec events (e.g. clientError). */
  readonly http1: http.Server;
  listen(port: number, address: string): Promise<number>;
  /** Stops accepting and drops every open connection. */
  close(): Promise<void>;
}

export function createListener(onRequest: RequestHandler): Listener {
  const http1 = http.createServer(onRequest);
  const h2 = http2.createServer(onRequest);
  const sockets = new Set<net.Socket>();
  // Half-open like http.Server: a client that half-closes after its request still gets the answer.
  const server = net.createServer({ allowHalfOpen: true }, (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    let seen = Buffer.alloc(0);
    const sniff = (chunk: Buffer) => {
      seen = Buffer.concat([seen, chunk]);
      const n = Math.min(seen.length, HTTP2_PREFACE.length);
      const http2Preface = seen.subarray(0, n).equals(HTTP2_PREFACE.subarray(0, n));
      if (http2Preface && seen.length < HTTP2_PREFACE.length) return; // undecided: wait for more
      socket.off("data", sniff);
      socket.pause();
      if (http2Preface) {
        // The HTTP/2 session drains what the socket has buffered before reading on.
        socket.unshift(seen);
        h2.emit("connection", socket);
      } else {
        // The HTTP/1 parser reads the socket natively from now on: replay what was read to it.
        http1.emit("connection", socket);
        socket.emit("data", seen);
        socket.resume();
      }
    };
    socket.on("data", sniff);
    socket.on("error", () => socket.destroy());
  });
  return {
    http1,
    listen(port, address) {
      return new Promise((resolve, reject) => {
        server.once("error", reject);
        server.listen(port, address, () => resolve((server.address() as net.AddressInfo).port));
      });
    },
    async close() {
      const closed = new Promise<void>((r) => server.close(() => r()));
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}
