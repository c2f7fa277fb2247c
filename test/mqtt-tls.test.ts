// TLS and credentials end to end: the planner link over mqtts:// to the embedded
// broker with a self-signed test certificate (CN=localhost, IP 127.0.0.1; test-only,
// generated with openssl, valid 100 years), verified against that certificate as CA.
import { describe, expect, it } from 'vitest';
import { Blackboard } from '../src/core/blackboard.ts';
import { SystemClock } from '../src/core/clock.ts';
import { connectMqtt, connectPlanner, silentLogger, startEmbeddedBroker } from '../src/mqtt/index.ts';
import { startControllerSim } from '../src/controller-sim/index.ts';
import { uniqueRobot, waitFor } from './support/broker.ts';

const TEST_KEY = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgrvmpceBUeNoEKL/v
JmRLIqViJyItGJOvwIQKhCVO71ChRANCAARnjND+613LyEOjvZsHdBxEpYrPUO82
/D0zvQp+pcCyyym51EiP0QzE+oB6BXtGRVL51NEsrF+aHfcDynLzycvU
-----END PRIVATE KEY-----`;
const TEST_CERT = `-----BEGIN CERTIFICATE-----
MIIBmjCCAUGgAwIBAgIUVQD4pWRMDM0D1TmsqHd+RVa66HMwCgYIKoZIzj0EAwIw
FDESMBAGA1UEAwwJbG9jYWxob3N0MCAXDTI2MTEyMTIzNDY1NloYDzIxMjYxMDI4
MjM0NjU2WjAUMRIwEAYDVQQDDAlsb2NhbGhvc3QwWTATBgcqhkjOPQIBBggqhkjO
PQMBBwNCAARnjND+613LyEOjvZsHdBxEpYrPUO82/D0zvQp+pcCyyym51EiP0QzE
+oB6BXtGRVL51NEsrF+aHfcDynLzycvUo28wbTAdBgNVHQ4EFgQUAJD2M4aUMPAd
QpPS1t6hEiCajjwwHwYDVR0jBBgwFoAUAJD2M4aUMPAdQpPS1t6hEiCajjwwDwYD
VR0TAQH/BAUwAwEB/zAaBgNVHREEEzARhwR/AAABgglsb2NhbGhvc3QwCgYIKoZI
zj0EAwIDRwAwRAIgJFIs/t52sNHRHehhTxXmU9YZI+8sLZFwvWB5Sw1UjekCIFVd
cLgkES37UUazVPn4zMrEmmA+/RDaFMRgy+mv9kJY
-----END CERTIFICATE-----`;

describe('MQTT over TLS (embedded broker)', () => {
  it('planner and controller connect over mqtts:// with CA verification and credentials', async () => {
    const broker = await startEmbeddedBroker({ tls: { key: TEST_KEY, cert: TEST_CERT }, credentials: { username: 'cell', password: 'pw' } });
    expect(broker.url).toMatch(/^mqtts:\/\/127\.0\.0\.1:\d+$/);
    const robot = uniqueRobot('tls');
    const mqtt = { url: broker.url, ca: TEST_CERT, username: 'cell', password: 'pw' };
    const link = await connectPlanner({ mqtt, robot, blackboard: new Blackboard({ clock: new SystemClock() }), logger: silentLogger });
    const sim = await startControllerSim({ mqtt, robot, baseHandoverMs: 20, stateIntervalMs: 100 });
    try {
      await waitFor(() => link.controller.available, 3000, 'available over TLS');
      const id = link.controller.startHandover({ objectId: 'o', target: 'h1', speedScale: 1, approachWaitMs: 0, timeoutMs: 3000 });
      await waitFor(() => link.controller.actionState(id)?.status === 'FINISHED', 3000, 'FINISHED over TLS');
    } finally {
      await link.close();
      await sim.stop();
    }
    // without the CA the certificate is rejected, with a readable error
    await expect(connectMqtt({ url: broker.url, username: 'cell', password: 'pw' })).rejects.toThrow(/^MQTT: TLS to mqtts:\/\/127\.0\.0\.1:\d+ failed: self[- ]signed certificate \(DEPTH_ZERO_SELF_SIGNED_CERT\); give the broker's CA certificate/);
    await broker.stop();
  });
});
