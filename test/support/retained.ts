/**
 * Tests leave retained messages on a real broker (connection states, last wills:
 * `affectbt/v1/<m>/<s>/connection/…`); on the shared Mosquitto they would outlive the
 * run. Helpers that create robot ids record their topic prefix here, and the vitest
 * setup file clears everything retained under those prefixes on `MQTT_URL` after each
 * test file ({@link clearTrackedRetained}). Kept free of heavy imports: `mqtt` is
 * loaded only when there is something to clear.
 */

const prefixes = new Set<string>();

/**
 * Records a robot's topic prefix (`affectbt/v1/<m>/<s>/`) for clean-up.
 *
 * @example
 * ```ts
 * trackRetained(`affectbt/v1/${robot.manufacturer}/${robot.serialNumber}/`);
 * ```
 */
export function trackRetained(prefix: string): void {
  prefixes.add(prefix.endsWith('/') ? prefix : `${prefix}/`);
}

/**
 * Clears every retained message under the prefixes on the broker at `url`: subscribes,
 * collects what the broker replays as retained for `settleMs`, publishes an empty
 * retained payload to each of those topics (which deletes it). Returns the topics cleared.
 *
 * @example
 * ```ts
 * await clearRetained('mqtt://127.0.0.1:1883', ['affectbt/v1/acme/t1/']);
 * ```
 */
export async function clearRetained(url: string, under: readonly string[], settleMs = 300): Promise<string[]> {
  if (under.length === 0) return [];
  const { default: mqtt } = await import('mqtt');
  const client = await mqtt.connectAsync(url, { clientId: `cleanup-${process.pid}-${Date.now().toString(36)}`, reconnectPeriod: 0, connectTimeout: 3000 });
  const topics = new Set<string>();
  client.on('message', (topic, payload, packet) => {
    if (packet.retain && payload.length > 0) topics.add(topic);
  });
  try {
    await client.subscribeAsync(under.map((p) => `${p}#`), { qos: 1 });
    await new Promise((r) => setTimeout(r, settleMs));
    for (const t of topics) await client.publishAsync(t, '', { retain: true, qos: 1 });
  } finally {
    await client.endAsync();
  }
  return [...topics];
}

/**
 * Clears what the tracked prefixes left on `MQTT_URL` (no-op without it or with nothing tracked).
 *
 * @example
 * ```ts
 * afterAll(() => clearTrackedRetained());
 * ```
 */
export async function clearTrackedRetained(): Promise<void> {
  const url = process.env['MQTT_URL'];
  if (!url || prefixes.size === 0) return;
  const under = [...prefixes];
  prefixes.clear();
  try {
    await clearRetained(url, under);
  } catch (err) {
    process.stderr.write(`note: could not clear retained test messages on ${url}: ${(err as Error).message}\n`);
  }
}
