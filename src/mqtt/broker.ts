/**
 * The embedded MQTT broker: aedes in-process on 127.0.0.1 (MQTT 3.1.1). It is the
 * default for demos, the simulator and tests (offline first: no external broker
 * needed), and `affect-bt broker` runs it standalone. It can be stopped and started
 * again on the same port, which the reconnect tests use.
 *
 * Design note: aedes keeps sessions and retained messages in memory, so a restart
 * forgets them — exactly the harsh case the planner/controller must survive (they
 * republish their retained `connection` and re-send un-acknowledged actions).
 */
import net from 'node:net';
import tls from 'node:tls';
import { Aedes } from 'aedes';

/**
 * A running embedded broker.
 *
 * @example
 * ```ts
 * const b: EmbeddedBroker = await startEmbeddedBroker(); await b.stop(); await b.restart();
 * ```
 */
export interface EmbeddedBroker {
  /** `mqtt://127.0.0.1:<port>` (`mqtts://` with TLS) */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /** Number of connected clients. */
  readonly clients: number;
  /** Stops the broker (drops every client without will suppression). Idempotent. */
  stop(): Promise<void>;
  /** Starts it again on the same port (after {@link stop}); fresh in-memory state. */
  restart(): Promise<void>;
}

/**
 * Options of {@link startEmbeddedBroker}.
 *
 * @example
 * ```ts
 * await startEmbeddedBroker({ port: 1883, credentials: { username: 'cell', password: 'pw' } });
 * ```
 */
export interface EmbeddedBrokerOptions {
  /** TCP port; 0 (default) picks a free one. */
  port?: number;
  /** Interface to bind; default 127.0.0.1 (never exposed by default). */
  host?: string;
  /** When set, clients must present these credentials (else CONNACK 4, bad username or password). */
  credentials?: { username: string; password: string };
  /** When set, the broker speaks MQTT over TLS (`mqtts://`) with this key and certificate (PEM). */
  tls?: { key: string | Buffer; cert: string | Buffer };
}

type Credentials = EmbeddedBrokerOptions['credentials'];

async function listen(port: number, host: string, credentials: Credentials, tlsOptions: EmbeddedBrokerOptions['tls']): Promise<{ aedes: Aedes; server: net.Server; port: number }> {
  const aedes = await Aedes.createBroker(
    credentials
      ? {
          authenticate: (_client, username, password, done) => {
            if (username === credentials.username && password !== undefined && password.toString('utf8') === credentials.password) return done(null, true);
            done(Object.assign(new Error('bad username or password'), { returnCode: 4 as const }), false);
          },
        }
      : {},
  );
  const server = tlsOptions ? tls.createServer({ key: tlsOptions.key, cert: tlsOptions.cert }, aedes.handle) : net.createServer(aedes.handle);
  await new Promise<void>((resolve, reject) => {
    const onError = (err: Error) => {
      aedes.close();
      reject(new Error(`embedded broker: cannot listen on ${host}:${port}: ${err.message} (pick another --port, or 0 for a free one)`));
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  return { aedes, server, port: (server.address() as net.AddressInfo).port };
}

/**
 * Starts aedes on `host:port` (default 127.0.0.1, free port).
 *
 * @example
 * ```ts
 * const broker = await startEmbeddedBroker();
 * const client = await connectMqtt({ url: broker.url });
 * await broker.stop();
 * ```
 */
export async function startEmbeddedBroker(options: EmbeddedBrokerOptions = {}): Promise<EmbeddedBroker> {
  const host = options.host ?? '127.0.0.1';
  let cur: { aedes: Aedes; server: net.Server; port: number } | undefined = await listen(options.port ?? 0, host, options.credentials, options.tls);
  const port = cur.port;
  const sockets = new Set<net.Socket>();
  const track = (s: net.Server) => s.on('connection', (sock: net.Socket) => {
    sockets.add(sock);
    sock.on('close', () => sockets.delete(sock));
  });
  track(cur.server);
  return {
    url: `${options.tls ? 'mqtts' : 'mqtt'}://${host}:${port}`,
    host,
    port,
    get clients() {
      return cur ? cur.aedes.connectedClients : 0;
    },
    async stop() {
      const c = cur;
      if (!c) return;
      cur = undefined;
      const closed = new Promise<void>((resolve) => c.server.close(() => resolve()));
      for (const s of sockets) s.destroy();
      sockets.clear();
      await new Promise<void>((resolve) => c.aedes.close(() => resolve()));
      await closed;
    },
    async restart() {
      if (cur) return;
      cur = await listen(port, host, options.credentials, options.tls);
      track(cur.server);
    },
  };
}
