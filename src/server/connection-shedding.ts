/**
 * The connection bound, with idle connections shed first. When a new connection would pass
 * `connectionsMax`, the oldest idle connection is closed to make room — a socket between
 * keep-alive requests, or one that has sent nothing yet — so a flood of idle sockets cannot
 * lock real clients out. A connection with a request in flight (an upload, a tail or SSE
 * stream) is never shed: when every connection is busy, the new one is closed at once.
 *
 * Idle sockets are kept in a Set, whose insertion order makes the first one the oldest.
 * For TLS, requests see the TLS socket, not the raw one `connection` reports, so a raw TLS
 * socket is never counted idle (only TLS sockets between requests are).
 */
import type * as http from "node:http";
import type * as net from "node:net";

export interface SheddingOptions {
  /** Open connections at most. */
  connectionsMax: number;
  /** Whether `connection` sockets are the ones requests see (plain HTTP: yes; TLS: no). */
  rawSocketsCarryRequests: boolean;
}

export function boundConnections(server: http.Server, options: SheddingOptions): void {
  const open = new Set<net.Socket>();
  const idle = new Set<net.Socket>();
  const inFlight = new Map<net.Socket, number>();
  /** Sockets whose close already clears them from `idle` (one listener per socket, not per request). */
  const watched = new WeakSet<net.Socket>();
  const watch = (socket: net.Socket) => {
    if (watched.has(socket)) return;
    watched.add(socket);
    socket.once("close", () => {
      open.delete(socket);
      idle.delete(socket);
      inFlight.delete(socket);
    });
  };

  const shedOldestIdle = (): boolean => {
    for (const socket of idle) {
      idle.delete(socket);
      if (socket.destroyed) continue;
      socket.destroy();
      return true;
    }
    return false;
  };

  server.on("connection", (socket: net.Socket) => {
    if (open.size >= options.connectionsMax && !shedOldestIdle()) {
      socket.destroy();
      return;
    }
    open.add(socket);
    watch(socket);
    if (options.rawSocketsCarryRequests) idle.add(socket);
  });

  server.on("request", (req: http.IncomingMessage, res: http.ServerResponse) => {
    const socket = req.socket;
    watch(socket);
    idle.delete(socket);
    inFlight.set(socket, (inFlight.get(socket) ?? 0) + 1);
    res.once("close", () => {
      const left = (inFlight.get(socket) ?? 1) - 1;
      if (left > 0) {
        inFlight.set(socket, left);
        return;
      }
      inFlight.delete(socket);
      // Back between requests: now the youngest idle socket.
      if (!socket.destroyed) idle.add(socket);
    });
  });
}
