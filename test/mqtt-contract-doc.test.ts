// The contract doc is generated from the schemas; this fails when they disagree.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CONTRACT_DOC_PATH, EXAMPLES, renderContractDoc } from '../src/mqtt/contract-doc.ts';
import { TOPIC_SPECS, validateMessage, type TopicName } from '../src/contract/index.ts';

describe('docs/mqtt-contract.md', () => {
  it('matches what the schemas render (regenerate: npx tsx src/mqtt/contract-doc.ts --write)', () => {
    expect(readFileSync(CONTRACT_DOC_PATH, 'utf8')).toBe(renderContractDoc());
  });

  it.each(Object.keys(TOPIC_SPECS) as TopicName[])('example payload of %s is valid against its schema', (topic) => {
    expect(validateMessage(topic, EXAMPLES[topic])).toEqual({ ok: true, value: EXAMPLES[topic] });
  });

  it('documents QoS and retain of every topic', () => {
    const doc = renderContractDoc();
    for (const s of Object.values(TOPIC_SPECS)) expect(doc).toContain(`| \`${s.name}\` | ${s.direction} | ${s.qos} | ${s.retain ? 'yes' : 'no'} |`);
  });
});
