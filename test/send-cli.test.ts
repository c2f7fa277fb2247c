// `affect-bt send order|cancel|affect` as a process: usage errors (exit 2, naming the
// value), an unreachable broker and an ACL refusal (exit 1, clear reason), and a real
// cell — `affect-bt run` (orders mode) plus `affect-bt controller-sim` — driven by hand:
// an order that FINISHES (--wait exits 0), one cancelled while running (--wait exits 1
// with the reason), an affect estimate the planner accepts.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { connectMqtt, endClient } from '../src/mqtt/connection.ts';
import { validateMessage, type AffectMessage } from '../src/contract/index.ts';
import { testBrokers, uniqueRobot, type TestBroker } from './support/broker.ts';
import { cliArgv, freePort, killAll, runProcess, spawnCli, REPO_ROOT } from './support/processes.ts';
import { secureBrokers, TEST_USERS } from './support/secure-broker.ts';

const send = (args: string[], env: NodeJS.ProcessEnv = {}) => runProcess(process.execPath, cliArgv(['send', ...args]), { env: { ...process.env, MQTT_URL: '', ...env }, timeoutMs: 60_000 });

describe('affect-bt send: arguments', () => {
  it.each([
    [[], 'affect-bt send: what to send: order, cancel, affect'],
    [['launch'], "affect-bt send: unknown message 'launch' (expected order, cancel, affect)"],
    [['order', '--robot', 'a/b', '--mqtt', 'mqtt://127.0.0.1:1'], "affect-bt send: --order-id ID is required for 'send order'"],
    [['order', '--order-id', 'o1', '--mqtt', 'mqtt://127.0.0.1:1'], 'affect-bt send: --robot MANUFACTURER/SERIAL is required (or --config FILE)'],
    [['order', '--order-id', 'o1', '--robot', 'a/b'], 'affect-bt send: --mqtt URL is required (or --config FILE, or set MQTT_URL)'],
    [['order', '--order-id', 'o1', '--robot', 'a/b', '--mqtt', '127.0.0.1:1883'], "--mqtt must be a broker URL such as mqtt://host:1883 (or mqtts://, ws://, wss://), got '127.0.0.1:1883' (did you mean mqtt://127.0.0.1:1883?)"],
    [['order', '--order-id', 'o1', '--robot', 'a/b', '--mqtt', 'mqtt://h', '--param', 'objectId'], "affect-bt send: --param must be NAME=VALUE, got 'objectId'"],
    [['order', '--order-id', 'o1', '--robot', 'a/b', '--mqtt', 'mqtt://h', '--param', 'human/ready=true'], "affect-bt send: --param name 'human/ready' must be an identifier (letters, digits, _; it becomes the blackboard key order/human/ready)"],
    [['cancel', '--order-id', 'o1', '--robot', 'a/b', '--mqtt', 'mqtt://h', '--tree', 'T'], "affect-bt send: --tree does not apply to 'send cancel'"],
    [['affect', '--robot', 'a/b', '--mqtt', 'mqtt://h', '--label', 'grumpy'], "affect-bt send: --label must be one of neutral, happy, sad, angry, fearful, disgusted, surprised, frustrated, focused, confused, bored, unknown, got 'grumpy'"],
    [['affect', '--robot', 'a/b', '--mqtt', 'mqtt://h', '--label', 'frustrated', '--frustration', '1.5'], 'affect-bt send: --frustration must be ≤ 1, got 1.5'],
    [['order', '--order-id', 'o1', '--robot', 'acme', '--mqtt', 'mqtt://h'], "affect-bt send: robot id 'acme' must be MANUFACTURER/SERIAL"],
    [['order', '--order-id', 'o1', '--robot', 'a/b', '--mqtt', 'mqtt://h', '--password', 'x'], '(credentials come from the environment only, see --help)'],
  ])('%j → exit 2: %s', async (args, message) => {
    const r = await send(args);
    expect(r.code).toBe(2);
    expect(r.err).toContain(message);
    expect(r.err).toContain('usage: affect-bt send order');
  }, 60_000);

  it('refuses an order the contract would refuse, before connecting (exit 1, the schema error)', async () => {
    const r = await send(['order', '--order-id', 'o 1', '--robot', 'a/b', '--mqtt', 'mqtt://127.0.0.1:1']);
    expect(r.code).toBe(1);
    expect(r.err).toBe('affect-bt send: the order message is not valid (schema): /orderId must match pattern "^[A-Za-z0-9_.:-]+$"\n');
  }, 60_000);

  it('reports an unreachable broker (exit 1)', async () => {
    const port = await freePort();
    const r = await send(['order', '--order-id', 'o1', '--robot', 'a/b', '--mqtt', `mqtt://127.0.0.1:${port}`, '--timeout-ms', '500']);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`affect-bt send: cannot connect to mqtt://127.0.0.1:${port}:`);
  }, 60_000);
});

describe.each(await secureBrokers())('affect-bt send against a secured broker ($name)', ({ start }) => {
  let broker: Awaited<ReturnType<typeof start>>;
  beforeAll(async () => {
    broker = await start();
  });
  afterAll(() => broker.stop());

  it('an order from a user without the orderer role is refused by the broker (exit 1, naming the role); the orderer is allowed', async () => {
    const robot = uniqueRobot('acl');
    const as = (role: keyof typeof TEST_USERS) => ({ AFFECT_BT_MQTT_USERNAME: TEST_USERS[role].username, AFFECT_BT_MQTT_PASSWORD: TEST_USERS[role].password });
    const args = ['order', '--order-id', 'o1', '--robot', `${robot.manufacturer}/${robot.serialNumber}`, '--mqtt', broker.url, '--timeout-ms', '2000'];
    const ok = await send(args, as('orderer'));
    expect(ok.err).toBe('');
    expect(ok.code).toBe(0);
    const refused = await send(args, as('estimator'));
    expect(refused.code).toBe(1);
    // MQTT 5 (Mosquitto): a PUBACK with "not authorized"; aedes drops the connection
    expect(refused.err).toMatch(/^affect-bt send: (the broker refused the publish to affectbt\/v1\/.*\/order: .*|the broker closed the connection after the publish to affectbt\/v1\/.*\/order: not authorized to publish there\?) \(orders and cancels need a user of the 'orderer' role, affect the 'estimator' role\)\n$/);
    const badPassword = await send(args, { AFFECT_BT_MQTT_USERNAME: TEST_USERS.orderer.username, AFFECT_BT_MQTT_PASSWORD: 'guess' });
    expect(badPassword.code).toBe(1);
    expect(badPassword.err).toMatch(/^affect-bt send: cannot connect to mqtt:\/\/.*(Not authorized|Bad ?user ?name or password)/i);
  }, 60_000);
});

describe.each(await testBrokers())('affect-bt send drives a cell over $name', ({ start }) => {
  let broker: TestBroker;
  beforeAll(async () => {
    broker = await start();
  });
  afterEach(async () => {
    await killAll();
  });
  afterAll(() => broker.stop());

  it('order --wait exits 0 on FINISHED; a cancel while running makes --wait exit 1 with the reason; affect reaches the cell', async () => {
    const robot = uniqueRobot('send');
    const id = `${robot.manufacturer}/${robot.serialNumber}`;
    const dir = mkdtempSync(join(tmpdir(), 'affect-bt-send-'));
    writeFileSync(join(dir, 'cell.yaml'), `tree: ${join(REPO_ROOT, 'trees/handover_affect.yaml')}\nrobot: {manufacturer: ${robot.manufacturer}, serialNumber: ${robot.serialNumber}}\nbroker: {url: '${broker.url}'}\nmetrics: {port: 0}\n`);
    const controller = spawnCli('controller-sim', ['controller-sim', '--mqtt', broker.url, '--robot', id, '--handover-ms', '5000', '--state-interval-ms', '100']); // long enough for a cancel to arrive while it runs, on a loaded machine too
    await controller.waitFor(/^ready /, 30_000);
    const planner = spawnCli('planner', ['run', '--config', join(dir, 'cell.yaml')]);
    await planner.waitFor((l) => l.json?.msg === 'controller available; ticking', 30_000);
    const observer = await connectMqtt({ url: broker.url, clientId: `obs-${robot.serialNumber}` });
    const affect: AffectMessage[] = [];
    observer.on('message', (_t, p) => affect.push(JSON.parse(p.toString()) as AffectMessage));
    await observer.subscribeAsync(`affectbt/v1/${id}/affect`);
    try {
      // the config gives broker and robot; the order names object and target
      const done = await send(['order', '--config', join(dir, 'cell.yaml'), '--order-id', 'o-1', '--param', 'objectId=part-9', '--param', 'target=left_hand', '--wait']);
      expect(done.err).toBe('');
      expect(done.code).toBe(0);
      const lines = done.out.trim().split('\n');
      expect(lines[0]).toBe(`sent order to affectbt/v1/${id}/order (QoS 1, not retained) via ${broker.url}:`);
      const sent = JSON.parse(lines[1]!);
      expect(validateMessage('order', sent).ok).toBe(true);
      expect(sent).toMatchObject({ headerId: 0, orderId: 'o-1', parameters: { objectId: 'part-9', target: 'left_hand' }, manufacturer: robot.manufacturer });
      expect(Math.abs(Date.parse(sent.timestamp) - Date.now())).toBeLessThan(30_000);
      expect(lines.slice(2)).toEqual(expect.arrayContaining(['o-1: FINISHED']));
      expect(planner.find((l) => l.json?.msg === 'order finished' && l.json.orderId === 'o-1')).toHaveLength(1);

      // cancel while running: --wait reports FAILED with the reason
      const waiting = spawnCli('send', ['send', 'order', '--mqtt', broker.url, '--robot', id, '--order-id', 'o-2', '--wait']);
      await waiting.waitFor(/^o-2: RUNNING$/, 20_000);
      const cancel = await send(['cancel', '--mqtt', broker.url, '--robot', id, '--order-id', 'o-2', '--action-id', 'c-2']);
      expect(cancel.code).toBe(0);
      expect(JSON.parse(cancel.out.trim().split('\n')[1]!)).toMatchObject({ actions: [{ actionId: 'c-2', actionType: 'cancelOrder', actionParameters: { orderId: 'o-2' } }] });
      expect((await waiting.exited).code).toBe(1);
      expect(waiting.lines.map((l) => l.text)).toContain('affect-bt send: order o-2 FAILED: cancelled (action c-2)');

      // a reused orderId is refused and --wait says why
      const dup = await send(['order', '--mqtt', broker.url, '--robot', id, '--order-id', 'o-1', '--wait', '--wait-timeout-ms', '10000']);
      expect(dup.code).toBe(1);
      expect(dup.err).toBe('affect-bt send: order o-1 FAILED: duplicate orderId o-1 (already FINISHED): use a fresh orderId per order\n');

      const a = await send(['affect', '--mqtt', broker.url, '--robot', id, '--label', 'frustrated', '--human', 'h1']);
      expect(a.code).toBe(0);
      await new Promise((r) => setTimeout(r, 300));
      expect(affect).toHaveLength(1);
      expect(validateMessage('affect', affect[0]).ok).toBe(true);
      expect(affect[0]!.estimates[0]).toMatchObject({ humanId: 'h1', expression: 'frustrated', frustration: 0.8, valence: -0.6, arousal: 0.5, source: 'local' });
    } finally {
      await endClient(observer);
      await planner.stop('SIGTERM', 10_000);
      await controller.stop('SIGTERM', 10_000);
    }
  }, 120_000);
});
