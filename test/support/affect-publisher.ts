/**
 * A scripted affect estimator for end-to-end tests: a separate OS process that publishes
 * `affect` messages for one person at a fixed rate, in a mood the test switches by
 * writing a line on its stdin (`calm`, `frustrated`, `silent`, `exit`). It stands in for
 * `affect-bt estimate --mqtt` when a test needs an exact frustration trajectory instead
 * of camera frames.
 *
 * Run: `node --import tsx test/support/affect-publisher.ts --mqtt URL --robot M/S [--hz 30] [--human h1]`.
 * Prints `ready` once connected and `mood <name>` after each switch.
 */
import { parseArgs } from 'node:util';
import { createInterface } from 'node:readline';
import mqtt from 'mqtt';
import { HeaderFactory } from '../../src/contract/header.ts';
import type { AffectMessage } from '../../src/contract/schemas.ts';
import type { AffectEstimate } from '../../src/contract/affect.ts';
import { parseRobotId, topicFor } from '../../src/mqtt/topics.ts';

/** The moods a test can switch to. */
export type Mood = 'calm' | 'frustrated' | 'silent';

/**
 * The estimate published for a mood at time `now` (pure, for reuse in in-process tests).
 *
 * @example
 * ```ts
 * moodEstimate('frustrated', 'h1', Date.now()).frustration; // 0.9
 * ```
 */
export function moodEstimate(mood: Exclude<Mood, 'silent'>, humanId: string, now: number): AffectEstimate {
  const observedAt = new Date(now).toISOString();
  return mood === 'frustrated'
    ? { humanId, expression: 'frustrated', valence: -0.7, arousal: 0.6, confidence: 0.85, frustration: 0.9, source: 'local', maxAgeMs: 800, observedAt, cues: { fingerDrumming: true, furrowedBrow: 0.8 } }
    : { humanId, expression: 'neutral', valence: 0.2, arousal: -0.1, confidence: 0.85, frustration: 0.1, source: 'local', maxAgeMs: 800, observedAt };
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { mqtt: { type: 'string' }, robot: { type: 'string' }, hz: { type: 'string' }, human: { type: 'string' }, mood: { type: 'string' } } });
  const url = values.mqtt ?? process.env['MQTT_URL'];
  if (!url || !values.robot) {
    process.stderr.write('usage: affect-publisher --mqtt URL --robot M/S [--hz 30] [--human h1] [--mood calm]\n');
    process.exit(2);
  }
  const robot = parseRobotId(values.robot);
  const hz = Number(values.hz ?? 30);
  const human = values.human ?? 'h1';
  let mood: Mood = (values.mood as Mood | undefined) ?? 'calm';
  const topic = topicFor(robot, 'affect');
  const headers = new HeaderFactory(robot);
  const client = mqtt.connect(url, { clientId: `affect-pub-${process.pid}`, reconnectPeriod: 200, protocolVersion: 4 });
  client.once('connect', () => process.stdout.write('ready\n'));
  const timer = setInterval(() => {
    if (mood === 'silent' || !client.connected) return;
    const now = Date.now();
    const msg: AffectMessage = { ...headers.next('affect', now), estimates: [moodEstimate(mood, human, now)] };
    client.publish(topic, JSON.stringify(msg), { qos: 0 });
  }, 1000 / hz);
  const rl = createInterface({ input: process.stdin });
  rl.on('line', (line) => {
    const cmd = line.trim();
    if (cmd === 'exit') {
      clearInterval(timer);
      client.end(false, {}, () => process.exit(0));
      return;
    }
    if (cmd === 'calm' || cmd === 'frustrated' || cmd === 'silent') {
      mood = cmd;
      process.stdout.write(`mood ${cmd}\n`);
    }
  });
  const stop = () => {
    clearInterval(timer);
    client.end(true, {}, () => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

if (process.argv[1] && import.meta.filename === process.argv[1]) await main();
