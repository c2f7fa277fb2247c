/**
 * The embedded MQTT broker: aedes in-process on 127.0.0.1 (MQTT 3.1.1). It is the
 * default for demos, the simulator and tests (offline first: no external broker
 * needed), and `affect-bt broker` runs it standalone. It can be stopped and started
 * again on the same port, which the reconnect tests use.
 *
 * Access control (least privilege, see src/mqtt/broker-auth.ts): with `auth` the broker
 * admits only clients whose username/password is in the Mosquitto-format password file
 * or who present a client certificate signed by `tls.ca` (the certificate's CN is the
 * username, like Mosquitto's `use_identity_as_username`), and applies the `acl_file`
 * rules to every publish, subscribe and delivery. A client of the wrong role that
 * publishes where it may not is disconnected; a refused subscription gets a failure
 * SUBACK; messages it may not read are never delivered. Without `auth`, anonymous
 * clients are served only when `allowAnonymous` is set or the broker binds a loopback
 * address (the in-process default for tests and the simulator); `affect-bt broker`
 * always requires `--password-file`/`--ca` or an explicit `--allow-anonymous`.
 *
 * Design note: aedes keeps sessions and retained messages in memory, so a restart
 * forgets them — exactly the harsh case the planner/controller must survive (they
 * republish their retained `connection` and re-send un-acknowledged actions).
 */
import net from 'node:net';
import tls from 'node:tls';
import { Aedes, type Client } from 'aedes';
import { verifyPassword, type Acl, type PasswordTable } from './broker-auth.ts';

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
  /** A single user that must present these credentials (else CONNACK 4, bad username or password); full access. */
  credentials?: { username: string; password: string };
  /** Users (Mosquitto password file) and topic ACLs (Mosquitto `acl_file`). */
  auth?: BrokerAuth;
  /** Serve clients without credentials (default: only on a loopback host when no `auth`/`credentials` is given). */
  allowAnonymous?: boolean;
  /**
   * When set, the broker speaks MQTT over TLS (`mqtts://`) with this key and certificate
   * (PEM); with `ca`, clients may present a certificate signed by it (mutual TLS; the
   * certificate's CN is their username), and with `requireCertificate` they must.
   */
  tls?: { key: string | Buffer; cert: string | Buffer; ca?: string | Buffer; requireCertificate?: boolean };
  /** Called for every refused connect, publish or subscribe (for logs). */
  onDenied?: (event: DeniedEvent) => void;
}

/**
 * Who may connect and what they may do.
 *
 * @example
 * ```ts
 * const auth: BrokerAuth = { passwords: parsePasswordFile(pw, 'passwd'), acl: parseAclFile(acl, 'acl') };
 * ```
 */
export interface BrokerAuth {
  /** Username → `$7$`/`$6$` hash. */
  passwords?: PasswordTable;
  /** Topic rules; without it, authenticated clients may do anything. */
  acl?: Acl;
}

/**
 * A refused action.
 *
 * @example
 * ```ts
 * startEmbeddedBroker({ auth, onDenied: (e) => console.warn(`${e.action} refused for ${e.user}: ${e.reason}`) });
 * ```
 */
export interface DeniedEvent {
  action: 'connect' | 'publish' | 'subscribe';
  clientId: string;
  user: string | undefined;
  topic?: string;
  reason: string;
}

/** Who a connected client is (set at authentication). */
const IDENTITY = Symbol('affect-bt identity');
type WithIdentity = Client & { [IDENTITY]?: string };

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}

async function listen(port: number, host: string, o: EmbeddedBrokerOptions): Promise<{ aedes: Aedes; server: net.Server; port: number }> {
  const acl = o.auth?.acl;
  const passwords = o.auth?.passwords;
  const anonymous = o.allowAnonymous ?? (!o.auth && !o.credentials && isLoopback(host));
  const denied = (e: DeniedEvent) => {
    try {
      o.onDenied?.(e);
    } catch {
      /* a broken logger must not break the broker */
    }
  };
  const aedes = await Aedes.createBroker({
    authenticate: (client, username, password, done) => {
      const c = client as WithIdentity;
      const sock = c.conn as unknown as tls.TLSSocket;
      const cn = typeof sock.getPeerCertificate === 'function' && sock.authorized ? sock.getPeerCertificate()?.subject?.CN : undefined;
      const pw = password?.toString('utf8');
      let who: string | undefined;
      let ok = false;
      if (typeof cn === 'string' && cn !== '') {
        who = cn; // a verified client certificate is the identity (use_identity_as_username)
        ok = true;
      } else if (username !== undefined && pw !== undefined) {
        who = username;
        const hash = passwords?.get(username);
        ok = (hash !== undefined && verifyPassword(hash, pw)) || (o.credentials !== undefined && username === o.credentials.username && pw === o.credentials.password);
      } else ok = anonymous;
      if (!ok) {
        denied({ action: 'connect', clientId: client.id, user: username, reason: username === undefined ? 'anonymous clients are not allowed' : 'bad username or password' });
        return done(Object.assign(new Error(username === undefined ? 'not authorized' : 'bad username or password'), { returnCode: username === undefined ? (5 as const) : (4 as const) }), false);
      }
      c[IDENTITY] = who;
      done(null, true);
    },
    authorizePublish: (client, packet, done) => {
      if (packet.topic.startsWith('$SYS')) return done(new Error('$SYS topics are reserved'));
      const who = client ? (client as WithIdentity)[IDENTITY] : undefined;
      if (client && acl && !acl.canPublish(who, client.id, packet.topic)) {
        denied({ action: 'publish', clientId: client.id, user: who, topic: packet.topic, reason: 'not allowed by the ACL' });
        return done(new Error(`not authorized to publish on ${packet.topic}`));
      }
      done(null);
    },
    authorizeSubscribe: (client, sub, done) => {
      const who = (client as WithIdentity)[IDENTITY];
      if (acl && !acl.canSubscribe(who, client.id, sub.topic)) {
        denied({ action: 'subscribe', clientId: client.id, user: who, topic: sub.topic, reason: 'not allowed by the ACL' });
        return done(null, null); // failure SUBACK
      }
      done(null, sub);
    },
    authorizeForward: (client, packet) => {
      if (!acl) return packet;
      return acl.canRead((client as WithIdentity)[IDENTITY], client.id, packet.topic) ? packet : null;
    },
  });
  const t = o.tls;
  const server = t
    ? tls.createServer({ key: t.key, cert: t.cert, ca: t.ca, requestCert: t.ca !== undefined, rejectUnauthorized: t.ca !== undefined && t.requireCertificate === true }, aedes.handle)
    : net.createServer(aedes.handle);
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
  if (!options.auth && !options.credentials && options.allowAnonymous !== true && !isLoopback(host)) {
    throw new Error(`embedded broker: refusing to serve anonymous clients on ${host}; give users (a password file or a client CA) or allow anonymous clients explicitly`);
  }
  if (options.tls?.requireCertificate && !options.tls.ca) throw new Error('embedded broker: requireCertificate needs the CA that signs client certificates (tls.ca)');
  let cur: { aedes: Aedes; server: net.Server; port: number } | undefined = await listen(options.port ?? 0, host, options);
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
      cur = await listen(port, host, options);
      track(cur.server);
    },
  };
}
