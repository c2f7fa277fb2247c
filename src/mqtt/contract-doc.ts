/**
 * Renders `docs/mqtt-contract.md` from the contract table and schemas (types as
 * data: the doc is generated, never hand-edited). `test/mqtt-contract-doc.test.ts`
 * fails when the committed doc differs from what this renders; regenerate with
 * `npx tsx src/mqtt/contract-doc.ts --write`.
 *
 * The example payloads here are validated against the schemas by the same test.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CONTRACT_VERSION } from '../contract/header.ts';
import { REJECT_REASONS, TOPIC_SPECS, jsonSchemaOf, type TopicName } from '../contract/schemas.ts';
import { ROLES, roleGrants } from '../contract/roles.ts';

const H = { timestamp: '2026-11-21T10:15:30.123Z', version: CONTRACT_VERSION, manufacturer: 'acme', serialNumber: 'cell-01' };
const PLANNER = { sessionId: 'mfz0a1-9c41d2e07b3a' };
const CONTROLLER = { sessionId: 'mfyzq8-07d1c3b2a9e4' };
const ESTIMATOR = { sessionId: 'mfz0a3-5e2b7c1d0f98' };
const ORDERER = { sessionId: 'mfz0c2-4b1e9a7d3c60' };

/**
 * One valid example payload per topic (checked against the schemas in tests).
 *
 * @example
 * ```ts
 * validateMessage('state', EXAMPLES.state).ok; // true
 * ```
 */
export const EXAMPLES: Readonly<Record<TopicName, object>> = {
  affect: {
    headerId: 42,
    ...H,
    ...ESTIMATOR,
    estimates: [
      {
        humanId: 'h1',
        expression: 'frustrated',
        valence: -0.6,
        arousal: 0.5,
        confidence: 0.8,
        frustration: 0.72,
        source: 'local',
        maxAgeMs: 1500,
        observedAt: '2026-11-21T10:15:30.080Z',
        cues: { furrowedBrow: 0.7, workingOnTask: false, fingerDrumming: true },
      },
    ],
  },
  instantActions: {
    headerId: 7,
    ...H,
    ...PLANNER,
    actions: [
      { actionId: 'mfz1k2-12', actionType: 'handover', actionParameters: { objectId: 'screwdriver', target: 'h1', speedScale: 0.6, approachWaitMs: 500, timeoutMs: 8000 } },
      { actionId: 'mfz1k2-13', actionType: 'say', actionParameters: { text: 'Sorry, I dropped it. Let me try again, more slowly.', kind: 'apology', failureKind: 'drop', tone: 'empathic' } },
    ],
  },
  state: {
    headerId: 311,
    ...H,
    ...CONTROLLER,
    actionStates: [
      { actionId: 'mfz1k2-12', actionType: 'handover', actionStatus: 'FAILED', failureKind: 'drop', resultDescription: 'dropped screwdriver' },
      { actionId: 'mfz1k2-13', actionType: 'say', actionStatus: 'RUNNING' },
    ],
    speedScale: 0.6,
    safeState: false,
    plannerSessionId: PLANNER.sessionId,
    errors: [
      {
        errorType: 'plannerSessionRefused',
        errorDescription: 'planner session mfz0b7-1a2b3c4d5e6f refused: the cell is held by planner session mfz0a1-9c41d2e07b3a (ONLINE, started 2026-11-21T10:02:11.512Z); run one planner per robot',
        errorLevel: 'WARNING',
        errorReferences: [{ referenceKey: 'sessionId', referenceValue: 'mfz0b7-1a2b3c4d5e6f' }],
      },
    ],
  },
  'connection/controller': { headerId: 0, ...H, ...CONTROLLER, connectionState: 'ONLINE', sessionStartedAt: '2026-11-21T09:58:40.002Z' },
  'connection/planner': { headerId: 1, ...H, ...PLANNER, connectionState: 'CONNECTION_BROKEN', sessionStartedAt: '2026-11-21T10:02:11.512Z' },
  trace: {
    headerId: 9,
    ...H,
    ...PLANNER,
    treeId: '3f9c2a71b0d4',
    records: [
      { kind: 'planner', phase: 'running', tick: 1520, speedScale: 0.6 },
      { kind: 'result', path: 'root/task/handover_task/Retry/give_part', status: 'FAILURE' },
      { path: 'root', status: 'RUNNING', durationUs: 58 },
      { path: 'root/task/handover_task/Retry/give_part', status: 'RUNNING', durationUs: 41, feedback: 'handover mfz1k2-12 RUNNING (attempt 2)' },
    ],
    blackboard: [
      { key: 'affect/h1', value: { expression: 'frustrated', frustration: 0.72, source: 'local' }, source: 'mqtt:affect', ageMs: 35, maxAgeMs: 1500, stale: false },
      { key: 'human/ready', value: true, source: 'planner:assume', ageMs: 61_200, maxAgeMs: null, stale: false },
    ],
  },
  tree: {
    headerId: 0,
    ...H,
    ...PLANNER,
    treeId: '3f9c2a71b0d4',
    treeName: 'HandoverWithAffect',
    nodes: [
      { path: 'root', parent: null, name: 'root', kind: 'ReactiveSequence', category: 'composite', role: 'control', affect: false },
      { path: 'root/affect', parent: 'root', name: 'affect', kind: 'AffectBranch', category: 'decorator', role: 'control', affect: true },
      { path: 'root/affect/modulate', parent: 'root/affect', name: 'modulate', kind: 'Subtree', category: 'decorator', role: 'control', affect: true, subtree: 'AffectModulation' },
      { path: 'root/affect/modulate/Apologise', parent: 'root/affect/modulate', name: 'Apologise', kind: 'Apologise', category: 'action', role: 'affect', affect: true },
      { path: 'root/give_part', parent: 'root', name: 'give_part', kind: 'Handover', category: 'action', role: 'task', affect: false },
    ],
  },
  order: { headerId: 0, ...H, ...ORDERER, orderId: 'o-1042', tree: 'HandoverWithAffect', parameters: { objectId: 'part-7', target: 'right_hand' } },
  orderActions: { headerId: 0, ...H, ...ORDERER, actions: [{ actionId: 'c-1042', actionType: 'cancelOrder', actionParameters: { orderId: 'o-1042' } }] },
  plannerState: {
    headerId: 57,
    ...H,
    ...PLANNER,
    phase: 'running',
    mode: 'orders',
    maxQueue: 8,
    current: { orderId: 'o-1043', tree: 'HandoverWithAffect', parameters: { objectId: 'part-8' }, status: 'RUNNING', sentAt: '2026-11-21T10:15:21.000Z', receivedAt: '2026-11-21T10:15:21.004Z', startedAt: '2026-11-21T10:15:21.020Z' },
    queue: [{ orderId: 'o-1044', tree: 'HandoverWithAffect', status: 'WAITING', sentAt: '2026-11-21T10:15:25.000Z', receivedAt: '2026-11-21T10:15:25.003Z' }],
    history: [
      { orderId: 'o-1041', tree: 'HandoverWithAffect', parameters: { objectId: 'part-7', target: 'right_hand' }, status: 'FINISHED', sentAt: '2026-11-21T10:14:02.000Z', receivedAt: '2026-11-21T10:14:02.003Z', startedAt: '2026-11-21T10:14:02.020Z', endedAt: '2026-11-21T10:14:09.410Z' },
      { orderId: 'o-1042', tree: 'HandoverWithAffect', status: 'FAILED', reason: 'cancelled (action c-1042)', sentAt: '2026-11-21T10:14:30.000Z', receivedAt: '2026-11-21T10:14:30.002Z', startedAt: '2026-11-21T10:14:30.020Z', endedAt: '2026-11-21T10:14:33.700Z' },
      { orderId: 'o-1045', tree: 'PickPlace', status: 'FAILED', rejected: true, reason: "unknown tree 'PickPlace' (trees: HandoverWithAffect, AffectModulation, HandoverTask)", sentAt: '2026-11-21T10:15:26.000Z', receivedAt: '2026-11-21T10:15:26.002Z', endedAt: '2026-11-21T10:15:26.002Z' },
    ],
    actionStates: [{ actionId: 'c-1042', actionType: 'cancelOrder', orderId: 'o-1042', actionStatus: 'FINISHED', resultDescription: 'running order halted' }],
  },
};

/**
 * The Markdown text of `docs/mqtt-contract.md`.
 *
 * @example
 * ```ts
 * writeFileSync('docs/mqtt-contract.md', renderContractDoc());
 * ```
 */
export function renderContractDoc(): string {
  const out: string[] = [];
  out.push('<!-- Generated by src/mqtt/contract-doc.ts from the schemas in src/contract/. Do not edit: run `npx tsx src/mqtt/contract-doc.ts --write`. -->');
  out.push('# affect-bt MQTT contract');
  out.push('');
  out.push(`Contract version \`${CONTRACT_VERSION}\`. Topics: \`affectbt/v1/{manufacturer}/{serialNumber}/{topic}\`. Every payload is JSON with a VDA 5050-style header:`);
  out.push('`headerId` (per topic and sender, +1 each message), `timestamp` (ISO 8601 UTC, ms), `version`, `manufacturer`, `serialNumber` (must match the topic), and `sessionId` (the sender\'s session; required on `connection/*` and `instantActions`).');
  out.push('Receivers accept the same major version only. On MQTT 5 brokers, publishers set `contentType: application/json` and (for `affect` and `state`) a message expiry;');
  out.push('on MQTT 3.1.1 brokers (e.g. the embedded aedes) staleness still works from the payload timestamps and `maxAgeMs`.');
  out.push('Versions: 1.0.0 the first contract; 1.1.0 added sessions (`sessionId`, `state.plannerSessionId`, error references); 1.2.0 added orders (`order`, `orderActions`, `plannerState`, role `orderer`) — additive: a 1.1 receiver never subscribes to the new topics; 1.3.0 added `result` records to `trace` — additive: records are free-form, and a 1.2 monitor that applies them in order still ends with each node\'s latest status; 1.4.0 made the broker link part of the safe state (see *Sessions and the safe state*) — behaviour only, no payload changes: a 1.3 controller still interoperates, but only a 1.4 one stops the cell when its own broker link drops.');
  out.push('');
  out.push('| topic | direction | QoS | retained | header older than → `stale` | obeyed session from |');
  out.push('|---|---|---|---|---|---|');
  for (const s of Object.values(TOPIC_SPECS)) out.push(`| \`${s.name}\` | ${s.direction} | ${s.qos} | ${s.retain ? 'yes' : 'no'} | ${Number.isFinite(s.maxAgeMs) ? `${s.maxAgeMs / 1000} s` : '—'} | ${s.sessionFrom ? `\`${s.sessionFrom}\`` : '—'} |`);
  out.push('');
  out.push('## Roles (least privilege, enforced by the broker)');
  out.push('');
  out.push('Each process connects with the credentials (or client certificate) of one role; the broker\'s ACL lets it publish and subscribe to these topics of its cell only. The shipped Mosquitto `acl_file` (`cells/mosquitto/acl`, which `affect-bt broker --acl-file` reads too) is generated from this table by `renderMosquittoAcl()`.');
  out.push('');
  out.push('| role | publishes | subscribes |');
  out.push('|---|---|---|');
  const list = (names: string[]) => (names.length === 0 ? '—' : names.map((n) => `\`${n}\``).join(', '));
  for (const r of ROLES) {
    const g = roleGrants(r);
    out.push(`| \`${r}\` | ${list(g.publish)} | ${list(g.subscribe)} |`);
  }
  out.push('');
  out.push('## Rejections');
  out.push('');
  out.push('Every receiver (the planner\'s bridge, a controller) runs the same checks on every inbound message (`InboundGuard`, src/mqtt/inbound.ts) and drops what fails without acting on it, counts it under one reason and logs at most one line per reason per interval (topic, reason, detail):');
  out.push(REJECT_REASONS.map((r) => `\`${r}\``).join(', ') + '.');
  out.push('In order: size, JSON, schema (`schema`/`out_of_range`), `version`, robot (`wrong_topic`), `retained` (a retained copy of a never-retained topic), header clock — `clock_skew` when the `timestamp` is further in the future than the receiver\'s allowed skew (default 5 s), `stale` when it is older than the topic\'s bound above plus the skew — then `session` (not the session obeyed) and ordering **per sender session** (`duplicate`, `out_of_order`; the broker\'s retained copy of the last accepted message, which a new subscription delivers again after the receiver reconnects, is the current value and is accepted, while a live copy of it is a `duplicate`). A restarted sender has a new session and starts afresh; a forged header from another session, or one dated far in the future, cannot block genuine messages.');
  out.push('');
  out.push('## Exactly-once commands');
  out.push('');
  out.push('`instantActions` are QoS 1 (at least once). The planner re-sends every action whose `actionId` has not yet appeared in `state.actionStates` (periodically, while its broker link is up); the controller executes each `actionId` at most once — recording it durably *before* it runs, so also across its own restarts — and re-announces duplicates in `state`. Together: exactly once, also across controller restarts. Nothing crosses a broker outage: when its link drops the planner fails every open action (`controller_lost`), takes its unacknowledged commands back out of its MQTT client\'s store and publishes no command until the link is back (a handover delivered after the outage could run after the tree gave up on it and retried); the controller, having lost its planner, is in its safe stop meanwhile. Commands are never retained; a retained copy, a command older than its bound, or one from another session is refused.');
  out.push('');
  out.push('## Sessions and the safe state');
  out.push('');
  out.push('Every process start is a new session (`sessionId`, `sessionStartedAt`), announced in its `connection` message and stamped on each message it sends.');
  out.push('Controller: starts in a safe stop and holds it (running and queued actions cancelled, speed scale at its minimum, `safeState: true`, pacing increases ignored) while no planner session is ONLINE. It obeys the first planner session that announces ONLINE (`state.plannerSessionId`), executes commands only from that session while it is ONLINE, refuses a second session (`state.errors`: `plannerSessionRefused`, `errorReferences` naming it) and ignores loss messages of other sessions; after the holder went OFFLINE/CONNECTION_BROKEN, a session at least as new may take over. Losing its own broker link is losing its planner: the same safe stop at once (nobody can supervise the cell, and the broker may not deliver the planner\'s will); after reconnecting it obeys the holder again only once that session\'s ONLINE arrives over the new subscription (the retained copy, or the planner\'s re-announcement), so a `state` naming a planner session is only ever sent while the command subscription is in place. Schema-valid but implausible commands (speed outside the cell\'s range, waits/timeouts outside its bounds, too many queued handovers) fail with `error` and an `implausibleAction` error.');
  out.push('Planner: available only while its broker link is up, `connection/controller` is ONLINE, `state` is fresh (younger than the cell config key `timeouts.controllerSilenceMs`, `affect-bt run --controller-silence-ms`, default 3000 ms) and `state.plannerSessionId` is its own session; otherwise no handovers are started, running ones are failed (`controller_lost`) and cancelled, and the reason is reported. It ignores reported action states for actions it never sent, of another type, or going backwards (final is final). A refused planner exits with an error.');
  out.push('');
  out.push('## Orders');
  out.push('');
  out.push('The planner runs its tree only when asked: an `orderer` (the cell\'s MES, or `affect-bt send`) publishes an `order`; the planner queues it (bounded, `orders.maxQueue`), runs it when the cell is free, and reports it in the retained `plannerState` — `WAITING` → `RUNNING` → `FINISHED`, or `FAILED` with a `reason` (tree FAILURE with what failed, `cancelled (…)`, `safe state: …`). Refusals are FAILED with `rejected: true`: queue full, an `orderId` already seen, an unknown tree, or a planner in `loop` mode. Without an order the planner idles: affect still flows, no handover starts. A safe state fails the running order; it is never restarted silently.');
  out.push('');
  out.push('Fields to fill in an `order`: the header (`headerId`, `timestamp` — now, UTC —, `version`, `manufacturer`, `serialNumber`; `sessionId` optional), a fresh `orderId`, optionally `tree` (default: the tree file\'s main tree) and `parameters` (identifier → string/number/boolean; the shipped trees read `objectId` and `target`). A `cancelOrder` needs its own `actionId` and the `orderId`. `affect-bt send order|cancel|affect` fills the header for you:');
  out.push('');
  out.push('```sh');
  out.push('npx affect-bt send order --mqtt mqtt://127.0.0.1:1883 --robot acme/cell-1 --order-id o-1042 --param objectId=part-7 --param target=right_hand --wait');
  out.push('npx affect-bt send cancel --mqtt mqtt://127.0.0.1:1883 --robot acme/cell-1 --order-id o-1042');
  out.push('```');
  out.push('');
  out.push('## Running it');
  out.push('');
  out.push('The whole cell (broker, controller-sim, estimator, planner) on one machine: the quick start in [deploy.md](deploy.md#quick-start-one-machine-no-hardware), same robot `acme/cell-01`. Just the contract\'s two ends:');
  out.push('');
  out.push('```sh');
  out.push('npx affect-bt broker --port 1883 --allow-anonymous               # embedded broker (aedes, MQTT 3.1.1), loopback demo without users');
  out.push('npx affect-bt controller-sim --mqtt mqtt://127.0.0.1:1883 --robot acme/cell-01 --p-drop 0.1 --seed 7');
  out.push('MQTT_URL=mqtt://127.0.0.1:1883 npm run bench -- mqtt                # publish → blackboard latency vs raw mqtt.js');
  out.push('```');
  out.push('');
  out.push('In code, `connectPlanner()` from `src/mqtt/index.ts` gives the planner side (bridge + `MqttController`), `startControllerSim()` from `src/controller-sim/index.ts` the reference controller — the template for a real controller adapter: validate `instantActions`, remember executed `actionId`s, report every status change in `state`, heartbeat `state`, publish `connection/controller` ONLINE/OFFLINE with a CONNECTION_BROKEN will, and hold a safe stop while `connection/planner` is not ONLINE or its own broker link is down.');
  for (const s of Object.values(TOPIC_SPECS)) {
    out.push('');
    out.push(`## \`${s.name}\``);
    out.push('');
    out.push(`${s.direction}, QoS ${s.qos}, ${s.retain ? 'retained' : 'not retained'}. ${s.description}`);
    out.push('');
    out.push('Example:');
    out.push('');
    out.push('```json');
    out.push(JSON.stringify(EXAMPLES[s.name], null, 2));
    out.push('```');
    out.push('');
    out.push('<details><summary>JSON Schema</summary>');
    out.push('');
    out.push('```json');
    out.push(JSON.stringify(jsonSchemaOf(s.name), null, 2));
    out.push('```');
    out.push('');
    out.push('</details>');
  }
  return out.join('\n') + '\n';
}

/**
 * Repo-relative path of the generated doc.
 *
 * @example
 * ```ts
 * readFileSync(CONTRACT_DOC_PATH, 'utf8') === renderContractDoc();
 * ```
 */
export const CONTRACT_DOC_PATH = 'docs/mqtt-contract.md';

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1] && process.argv.includes('--write')) {
  writeFileSync(CONTRACT_DOC_PATH, renderContractDoc());
  process.stdout.write(`wrote ${CONTRACT_DOC_PATH}\n`);
}
