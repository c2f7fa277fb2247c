/**
 * `affect-bt send order|cancel|affect …`: publishes one contract message to a cell by
 * hand — an order, a cancel of an order, or an affect estimate — with a fresh header
 * (timestamp now, a new session, headerId 0), so nobody has to write timestamps by hand.
 * The message is validated against the contract before it is sent, published with its
 * topic's QoS and retain flag (never retained), and the command waits for the broker's
 * acknowledgement (PUBACK for QoS 1). `send order --wait` then follows the planner's
 * retained `plannerState` until the order ends: exit 0 on FINISHED, 1 on FAILED (the
 * reason is printed).
 *
 * Exit codes: 0 sent (and, with `--wait`, FINISHED); 1 the broker was unreachable,
 * refused the credentials or the publish (ACL), the message did not validate, or the
 * order FAILED / the wait timed out; 2 usage errors. Credentials come from the
 * environment only (`AFFECT_BT_MQTT_USERNAME`, `AFFECT_BT_MQTT_PASSWORD` or `…_FILE`, or
 * the env names of `--config`'s `broker.usernameEnv`/`passwordEnv`); use a user with the
 * `orderer` role for orders and cancels, the `estimator` role for affect.
 */
import type { MqttClient } from 'mqtt';
import { checkBrokerUrl, parseCommandArgs } from '../args.ts';
import { HeaderFactory, newSession, type RobotId } from '../../contract/header.ts';
import { EXPRESSION_LABELS, type ExpressionLabel } from '../../contract/affect.ts';
import { PARAMETER_NAME_PATTERN, type OrderRecord, type PlannerStateMessage } from '../../contract/orders.ts';
import { TOPIC_SPECS, validateMessage, type TopicName } from '../../contract/schemas.ts';
import { connectMqtt, endClient, publishOptions } from '../../mqtt/connection.ts';
import { credentialsFromEnv, readPemFile, redactUrl } from '../../mqtt/credentials.ts';
import { parseRobotId, topicFor } from '../../mqtt/topics.ts';

const HELP = `usage: affect-bt send order  --order-id ID [--tree ID] [--param NAME=VALUE ...] [--wait] [common]
       affect-bt send cancel --order-id ID [--action-id ID] [common]
       affect-bt send affect --label L [--frustration F --valence V --arousal A --confidence C --human ID] [common]

Publishes one schema-valid contract message with a fresh header (timestamp now, new session).
  order    run the planner's tree once (topic 'order'; broker role 'orderer')
             --order-id ID        a fresh id for this order (required)
             --tree ID            the main tree (default) or a subtree of the planner's tree file
             --param NAME=VALUE   written to the planner's blackboard as order/NAME (repeatable);
                                  true/false and numbers are sent as such, anything else as text
                                  (the shipped trees read objectId and target)
             --wait               follow plannerState until the order ends: exit 0 FINISHED, 1 FAILED
             --wait-timeout-ms N  give up waiting after N ms (default 600000)
  cancel   cancel a waiting or running order (topic 'orderActions'; role 'orderer')
             --order-id ID        the order to cancel (required)
             --action-id ID       id of this cancel action (default: a fresh one)
  affect   one affect estimate (topic 'affect'; role 'estimator')
             --label L            ${EXPRESSION_LABELS.join(', ')} (required)
             --human ID           the person (default h1)
             --frustration F      0..1 (default 0.8 for frustrated, else 0)
             --valence V / --arousal A   -1..1 (default -0.6 / 0.5 for frustrated, else 0 / 0)
             --confidence C       0..1 (default 0.9)
             --max-age-ms N       how long the estimate stays valid (default 1500)
common:
  --mqtt URL               broker URL (default: --config's broker.url, else MQTT_URL env)
  --robot M/S              robot id, e.g. acme/cell-01 (default: --config's robot)
  --config FILE            a cell config: broker URL, robot, TLS files, credential env names
  --ca FILE / --cert FILE --key FILE   TLS files (mqtts://)
  --timeout-ms N           broker connection and acknowledgement timeout (default 5000)
  -h, --help

Credentials come from the environment only: AFFECT_BT_MQTT_USERNAME and
AFFECT_BT_MQTT_PASSWORD (or AFFECT_BT_MQTT_PASSWORD_FILE naming a file); with --config, the
variables it names. On an MQTT 3.1.1 broker a publish the ACL refuses may be dropped silently:
use --wait to see the planner's answer.`;

const KINDS = ['order', 'cancel', 'affect'] as const;
type Kind = (typeof KINDS)[number];

/** Converts `NAME=VALUE` flags to order parameters; returns the problem for a bad one. */
function parseParams(list: readonly string[]): Record<string, string | number | boolean> | string {
  const out: Record<string, string | number | boolean> = {};
  const nameRe = new RegExp(PARAMETER_NAME_PATTERN);
  for (const item of list) {
    const eq = item.indexOf('=');
    if (eq <= 0) return `--param must be NAME=VALUE, got '${item}'`;
    const name = item.slice(0, eq);
    const text = item.slice(eq + 1);
    if (!nameRe.test(name)) return `--param name '${name}' must be an identifier (letters, digits, _; it becomes the blackboard key order/${name})`;
    if (Object.hasOwn(out, name)) return `--param ${name} given twice`;
    out[name] = text === 'true' ? true : text === 'false' ? false : text.trim() !== '' && Number.isFinite(Number(text)) && /^[-+0-9.eE]+$/.test(text) ? Number(text) : text;
  }
  return out;
}

/** Publishes and waits for the broker's acknowledgement; rejects with a clear reason. */
function publishAcked(client: MqttClient, topic: string, payload: string, qos: 0 | 1, timeoutMs: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let done = false;
    const finish = (err?: Error) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      client.off('close', onClose);
      if (err) reject(err);
      else resolve();
    };
    const onClose = () => finish(new Error(`the broker closed the connection after the publish to ${topic}: not authorized to publish there? (orders and cancels need a user of the 'orderer' role, affect the 'estimator' role)`));
    const timer = setTimeout(() => finish(new Error(`no acknowledgement from the broker within ${timeoutMs} ms for ${topic}`)), timeoutMs);
    client.once('close', onClose);
    client.publish(topic, payload, publishOptions(client, qos, false), (err) => {
      if (err) finish(new Error(`the broker refused the publish to ${topic}: ${err.message}${/authori[sz]ed|135/i.test(err.message) ? " (orders and cancels need a user of the 'orderer' role, affect the 'estimator' role)" : ''}`));
      else finish();
    });
  });
}

/**
 * Runs the command.
 *
 * @example
 * ```ts
 * await run(['order', '--mqtt', 'mqtt://127.0.0.1:1883', '--robot', 'acme/cell-01', '--order-id', 'o1', '--param', 'objectId=part-7', '--wait']);
 * ```
 */
export async function run(argv: string[]): Promise<number> {
  const parsed = parseCommandArgs(
    'send',
    HELP,
    argv,
    {
      mqtt: { type: 'string' },
      robot: { type: 'string' },
      config: { type: 'string', short: 'c' },
      ca: { type: 'string' },
      cert: { type: 'string' },
      key: { type: 'string' },
      'timeout-ms': { type: 'string', default: '5000' },
      'order-id': { type: 'string' },
      tree: { type: 'string' },
      param: { type: 'string', multiple: true },
      wait: { type: 'boolean' },
      'wait-timeout-ms': { type: 'string', default: '600000' },
      'action-id': { type: 'string' },
      label: { type: 'string' },
      human: { type: 'string', default: 'h1' },
      frustration: { type: 'string' },
      valence: { type: 'string' },
      arousal: { type: 'string' },
      confidence: { type: 'string', default: '0.9' },
      'max-age-ms': { type: 'string', default: '1500' },
    },
    {
      positionals: true,
      hint: (m) => (/password|username/i.test(m) ? ' (credentials come from the environment only, see --help)' : ''),
      numbers: {
        'timeout-ms': { integer: true, min: 100, max: 600_000 },
        'wait-timeout-ms': { integer: true, min: 100, max: 86_400_000 },
        frustration: { min: 0, max: 1 },
        valence: { min: -1, max: 1 },
        arousal: { min: -1, max: 1 },
        confidence: { min: 0, max: 1 },
        'max-age-ms': { integer: true, min: 0, max: 600_000 },
      },
      brokerUrls: { mqtt: 'url' },
    },
  );
  if (typeof parsed === 'number') return parsed;
  const { values, numbers, positionals } = parsed;
  const kind = positionals[0] as Kind | undefined;
  if (kind === undefined) return parsed.usage(`what to send: ${KINDS.join(', ')}`);
  if (!KINDS.includes(kind)) return parsed.usage(`unknown message '${kind}' (expected ${KINDS.join(', ')})`);
  if (positionals.length > 1) return parsed.usage(`unexpected argument '${positionals[1]}'`);
  const only = (flags: string[], kinds: Kind[]) => flags.find((f) => (values as Record<string, unknown>)[f] !== undefined && !kinds.includes(kind));
  const misplaced = only(['order-id'], ['order', 'cancel']) ?? only(['tree', 'param', 'wait'], ['order']) ?? only(['action-id'], ['cancel']) ?? only(['label', 'frustration', 'valence', 'arousal'], ['affect']);
  if (misplaced) return parsed.usage(`--${misplaced} does not apply to 'send ${kind}'`);
  if (Boolean(values.cert) !== Boolean(values.key)) return parsed.usage('--cert and --key go together (mutual TLS needs both)');

  // where to: flags win over the config file (whose broker.url falls back to MQTT_URL, as for run)
  let url = values.mqtt;
  let robotText = values.robot;
  let credentialNames: { username?: string; password?: string } = {};
  let tlsPaths = { ca: values.ca, cert: values.cert, key: values.key };
  if (values.config !== undefined) {
    const { loadCellConfig, ConfigError } = await import('../../deploy/config.ts');
    try {
      const cfg = loadCellConfig(values.config, {}, process.env);
      url ??= cfg.broker.url;
      robotText ??= `${cfg.robot.manufacturer}/${cfg.robot.serialNumber}`;
      credentialNames = { username: cfg.broker.usernameEnv, password: cfg.broker.passwordEnv };
      tlsPaths = { ca: tlsPaths.ca ?? cfg.broker.tls.ca, cert: tlsPaths.cert ?? cfg.broker.tls.cert, key: tlsPaths.key ?? cfg.broker.tls.key };
    } catch (e) {
      if (e instanceof ConfigError) {
        process.stderr.write(`${e.message}\naffect-bt send: the configuration ${values.config} cannot be used\n`);
        return 1;
      }
      throw e;
    }
  }
  url ??= process.env['MQTT_URL'];
  if (!url) return parsed.usage('--mqtt URL is required (or --config FILE, or set MQTT_URL)');
  if (values.mqtt === undefined) {
    const bad = checkBrokerUrl(values.config !== undefined ? 'broker.url' : 'MQTT_URL', url);
    if (bad) return parsed.usage(bad);
  }
  if (!robotText) return parsed.usage('--robot MANUFACTURER/SERIAL is required (or --config FILE)');
  let robot: RobotId;
  try {
    robot = parseRobotId(robotText);
  } catch (e) {
    return parsed.usage((e as Error).message);
  }

  // what: build the body, then validate the whole message before connecting
  const session = newSession(Date.now());
  const headers = new HeaderFactory(robot, session.sessionId);
  let topic: TopicName;
  let body: Record<string, unknown>;
  if (kind === 'order' || kind === 'cancel') {
    const orderId = values['order-id'];
    if (!orderId) return parsed.usage(`--order-id ID is required for 'send ${kind}'`);
    if (kind === 'order') {
      const params = parseParams(values.param ?? []);
      if (typeof params === 'string') return parsed.usage(params);
      topic = 'order';
      body = { orderId, ...(values.tree !== undefined ? { tree: values.tree } : {}), ...(Object.keys(params).length > 0 ? { parameters: params } : {}) };
    } else {
      topic = 'orderActions';
      const actionId = values['action-id'] ?? `cancel-${session.sessionId}`;
      body = { actions: [{ actionId, actionType: 'cancelOrder', actionParameters: { orderId } }] };
    }
  } else {
    const label = values.label;
    if (!label) return parsed.usage(`--label is required for 'send affect' (one of ${EXPRESSION_LABELS.join(', ')})`);
    if (!(EXPRESSION_LABELS as readonly string[]).includes(label)) return parsed.usage(`--label must be one of ${EXPRESSION_LABELS.join(', ')}, got '${label}'`);
    const frustrated = (label as ExpressionLabel) === 'frustrated';
    topic = 'affect';
    body = {
      estimates: [
        {
          humanId: values.human,
          expression: label,
          valence: numbers.valence ?? (frustrated ? -0.6 : 0),
          arousal: numbers.arousal ?? (frustrated ? 0.5 : 0),
          confidence: numbers.confidence!,
          frustration: numbers.frustration ?? (frustrated ? 0.8 : 0),
          source: 'local',
          maxAgeMs: numbers['max-age-ms']!,
          observedAt: new Date().toISOString(),
        },
      ],
    };
  }
  const spec = TOPIC_SPECS[topic];
  const message = { ...headers.next(topic, Date.now()), ...body };
  const check = validateMessage(topic, message);
  if (!check.ok) {
    process.stderr.write(`affect-bt send: the ${topic} message is not valid (${check.reason}): ${check.message}\n`);
    return 1;
  }

  let client: MqttClient;
  const timeoutMs = numbers['timeout-ms']!;
  try {
    const auth = credentialsFromEnv(process.env, credentialNames);
    const tls = { ca: tlsPaths.ca ? readPemFile('CA', tlsPaths.ca) : undefined, cert: tlsPaths.cert ? readPemFile('certificate', tlsPaths.cert) : undefined, key: tlsPaths.key ? readPemFile('key', tlsPaths.key) : undefined };
    client = await connectMqtt({ url, clientId: `send-${session.sessionId}`, ...auth, ...tls, reconnectPeriodMs: 0, connectTimeoutMs: timeoutMs });
  } catch (e) {
    process.stderr.write(`affect-bt send: cannot connect to ${redactUrl(url)}: ${(e as Error).message}\n`);
    return 1;
  }
  client.on('error', () => {}); // reported through the publish / wait outcome
  const full = topicFor(robot, topic);
  try {
    // follow the planner's state before ordering, so the answer cannot be missed
    const states: PlannerStateMessage[] = [];
    let waiter: (() => void) | undefined;
    if (kind === 'order' && values.wait) {
      const stateTopic = topicFor(robot, 'plannerState');
      client.on('message', (t, payload) => {
        if (t !== stateTopic || payload.length === 0) return;
        const r = validateMessage<PlannerStateMessage>('plannerState', JSON.parse(payload.toString()));
        if (r.ok) {
          states.push(r.value);
          waiter?.();
        }
      });
      const granted = await client.subscribeAsync(stateTopic, { qos: 1 });
      if (granted[0] !== undefined && granted[0].qos === 128) throw new Error(`the broker refused the subscription to ${stateTopic}: --wait needs a user allowed to read plannerState (the 'orderer' role)`);
    }
    await publishAcked(client, full, JSON.stringify(message), spec.qos, timeoutMs);
    process.stdout.write(`sent ${topic} to ${full} (QoS ${spec.qos}, not retained) via ${redactUrl(url)}:\n${JSON.stringify(message)}\n`);
    if (!(kind === 'order' && values.wait)) return 0;

    const orderId = (body as { orderId: string }).orderId;
    const sentAt = message.timestamp;
    const mine = (): OrderRecord | undefined => {
      const s = states.at(-1);
      if (s === undefined) return undefined;
      const all = [...(s.current ? [s.current] : []), ...s.queue, ...s.history];
      return all.filter((r) => r.orderId === orderId && r.sentAt === sentAt).at(-1);
    };
    const deadline = Date.now() + numbers['wait-timeout-ms']!;
    let lastStatus = '';
    for (;;) {
      const r = mine();
      if (r !== undefined && r.status !== lastStatus) {
        lastStatus = r.status;
        process.stdout.write(`${orderId}: ${r.status}${r.reason ? ` (${r.reason})` : ''}\n`);
      }
      if (r?.status === 'FINISHED') return 0;
      if (r?.status === 'FAILED') {
        process.stderr.write(`affect-bt send: order ${orderId} FAILED: ${r.reason ?? 'no reason given'}\n`);
        return 1;
      }
      const left = deadline - Date.now();
      if (left <= 0) {
        process.stderr.write(`affect-bt send: order ${orderId} did not end within ${numbers['wait-timeout-ms']} ms (last seen: ${lastStatus || 'not in plannerState — is a planner running for this robot?'})\n`);
        return 1;
      }
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.min(left, 1000));
        waiter = () => {
          clearTimeout(t);
          resolve();
        };
      });
    }
  } catch (e) {
    process.stderr.write(`affect-bt send: ${(e as Error).message}\n`);
    return 1;
  } finally {
    await endClient(client);
  }
}
