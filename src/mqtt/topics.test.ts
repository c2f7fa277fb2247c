import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseRobotId, robotTopics, topicFor, topicName } from './topics.ts';

describe('topics', () => {
  const robot = { manufacturer: 'acme', serialNumber: 'cell-1' };
  it('builds affectbt/v1/{manufacturer}/{serialNumber}/{topic}', () => {
    expect(topicFor(robot, 'affect')).toBe('affectbt/v1/acme/cell-1/affect');
    expect(robotTopics(robot)['connection/controller']).toBe('affectbt/v1/acme/cell-1/connection/controller');
  });
  it('maps a full topic back to its name, and foreign topics to undefined', () => {
    const t = robotTopics(robot);
    expect(topicName(t, 'affectbt/v1/acme/cell-1/state')).toBe('state');
    expect(topicName(t, 'affectbt/v1/acme/cell-2/state')).toBeUndefined();
  });
  it('parses M/S and explains a bad robot id', () => {
    expect(parseRobotId('acme/cell-1')).toEqual(robot);
    expect(() => parseRobotId('acme/+')).toThrow("robot id 'acme/+' must be MANUFACTURER/SERIAL");
    expect(() => topicFor({ manufacturer: 'a/b', serialNumber: 'c' }, 'affect')).toThrow('is not usable in a topic');
  });
  it('round-trips any valid id (property)', () => {
    const id = fc.stringMatching(/^[A-Za-z0-9_.:-]{1,20}$/);
    fc.assert(fc.property(id, id, (m, s) => {
      expect(topicName(robotTopics({ manufacturer: m, serialNumber: s }), topicFor({ manufacturer: m, serialNumber: s }, 'trace'))).toBe('trace');
    }));
  });
});
