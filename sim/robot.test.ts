import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { Value } from '@sinclair/typebox/value';
import { VirtualClock } from '../src/core/clock.ts';
import { SimRobot, type RobotEvent } from './robot.ts';
import { RobotParamsSchema, type RobotParams } from './params.ts';
import { Rng } from './rng.ts';

const P = Value.Default(RobotParamsSchema, {}) as RobotParams;

function setup(receiver: { readyAt?: (t: number) => number; frustration?: number; catchSkill?: number } = {}, p: RobotParams = P) {
  const clock = new VirtualClock(0);
  const events: RobotEvent[] = [];
  const robot = new SimRobot(
    p,
    clock,
    new Rng('robot'),
    { readyAt: receiver.readyAt ?? ((t) => t), frustration: receiver.frustration ?? 0, traits: { catchSkill: receiver.catchSkill ?? 0.8 } },
    (e) => events.push(e),
  );
  const runUntilIdle = () => {
    for (let i = 0; i < 100; i++) {
      const t = robot.nextEventAt();
      if (!Number.isFinite(t)) return;
      clock.set(t);
      robot.advanceTo(t);
    }
  };
  return { clock, robot, events, runUntilIdle };
}

describe('SimRobot', () => {
  it('runs approach → transfer and reports FINISHED at the transfer end', () => {
    const { robot, clock, runUntilIdle } = setup({}, { ...P, dropBase: 0, timeoutProb: 0 });
    const id = robot.startHandover({ objectId: 'o', target: 'h', speedScale: 1, approachWaitMs: 0, timeoutMs: 30_000 });
    expect(robot.actionState(id)?.status).toBe('RUNNING');
    runUntilIdle();
    expect(robot.actionState(id)?.status).toBe('FINISHED');
    expect(clock.now()).toBeCloseTo((P.approachS + P.transferS + P.retractS) * 1000, 6);
  });

  it('takes longer at a lower speed and clamps the speed to the safe range', () => {
    const fast = setup({}, { ...P, dropBase: 0, timeoutProb: 0 });
    fast.robot.startHandover({ objectId: 'o', target: 'h', speedScale: 1, approachWaitMs: 0, timeoutMs: 60_000 });
    fast.runUntilIdle();
    const slow = setup({}, { ...P, dropBase: 0, timeoutProb: 0 });
    slow.robot.startHandover({ objectId: 'o', target: 'h', speedScale: 0.01, approachWaitMs: 0, timeoutMs: 60_000 });
    slow.runUntilIdle();
    expect(slow.clock.now()).toBeCloseTo(fast.clock.now() / P.minSpeedScale, 6);
    expect(slow.robot.setSpeedScale(5)).toBe(1);
  });

  it('fails with human_not_ready when the person is not ready within readyTimeoutS', () => {
    const { robot, runUntilIdle } = setup({ readyAt: (t) => t + 60_000 });
    const id = robot.startHandover({ objectId: 'o', target: 'h', speedScale: 1, approachWaitMs: 0, timeoutMs: 60_000 });
    runUntilIdle();
    expect(robot.actionState(id)).toMatchObject({ status: 'FAILED', failureKind: 'human_not_ready' });
  });

  it('fails with timeout when timeoutMs elapses first, and refuses a second concurrent handover', () => {
    const { robot, runUntilIdle } = setup({ readyAt: (t) => t + 5000 });
    const id = robot.startHandover({ objectId: 'o', target: 'h', speedScale: 1, approachWaitMs: 0, timeoutMs: 3000 });
    const second = robot.startHandover({ objectId: 'o2', target: 'h', speedScale: 1, approachWaitMs: 0, timeoutMs: 3000 });
    expect(robot.actionState(second)).toMatchObject({ status: 'FAILED', failureKind: 'error' });
    expect(robot.actionState(second)?.resultDescription).toMatch(/busy with handover-1/);
    runUntilIdle();
    expect(robot.actionState(id)).toMatchObject({ status: 'FAILED', failureKind: 'timeout' });
  });

  it('property: drop probability grows with speed, with missing catch skill and with frustration', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.3, max: 1, noNaN: true }),
        fc.double({ min: 0.3, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (v1, v2, skill, f) => {
          const { robot } = setup({ catchSkill: skill, frustration: f });
          const [lo, hi] = v1 < v2 ? [v1, v2] : [v2, v1];
          const novice = setup({ catchSkill: skill / 2, frustration: f }).robot;
          const angry = setup({ catchSkill: skill, frustration: Math.min(1, f + 0.3) }).robot;
          return robot.dropProbability(lo) <= robot.dropProbability(hi) && novice.dropProbability(hi) >= robot.dropProbability(hi) && angry.dropProbability(hi) >= robot.dropProbability(hi);
        },
      ),
    );
  });

  it('a mid-handover slow-down lasts until the next handover starts, never longer (no sticky speed)', () => {
    const { robot, clock, events, runUntilIdle } = setup({}, { ...P, dropBase: 0, timeoutProb: 0 });
    robot.startHandover({ objectId: 'o', target: 'h', speedScale: 1, approachWaitMs: 0, timeoutMs: 60_000 });
    clock.set(100);
    robot.advanceTo(100);
    expect(robot.setSpeedScale(0.4)).toBe(0.4);
    runUntilIdle();
    const firstEnd = events.find((e) => e.type === 'handover-end');
    expect(firstEnd).toMatchObject({ speed: 0.4 });
    const t0 = clock.now();
    robot.startHandover({ objectId: 'o', target: 'h', speedScale: 1, approachWaitMs: 0, timeoutMs: 60_000 });
    const start2 = events.filter((e) => e.type === 'handover-start')[1];
    expect(start2).toMatchObject({ speed: 1 });
    expect(robot.movingSpeed).toBe(1);
    runUntilIdle();
    // a full-speed second handover: approach + transfer + retract at speed 1
    expect(clock.now() - t0).toBeCloseTo((P.approachS + P.transferS + P.retractS) * 1000, 6);
  });

  it('holds still for the commanded approach wait, then approaches; reports arrival (the trust decision point)', () => {
    const { robot, clock, events, runUntilIdle } = setup({}, { ...P, dropBase: 0, timeoutProb: 0 });
    robot.startHandover({ objectId: 'o', target: 'left_hand', speedScale: 0.5, approachWaitMs: 1500, timeoutMs: 60_000 });
    expect(robot.phase).toBe('hold');
    expect(robot.holding).toBe(true);
    expect(robot.movingSpeed).toBe(0);
    runUntilIdle();
    const arrive = events.find((e) => e.type === 'arrive')!;
    expect(arrive.t).toBeCloseTo(1500 + (P.approachS * 1000) / 0.5, 6);
    expect(events.find((e) => e.type === 'handover-end')).toMatchObject({ result: 'success', target: 'left_hand' });
    expect(clock.now()).toBeGreaterThan(arrive.t);
  });

  it('finishes say actions after a length-proportional time and cancels handovers', () => {
    const { robot, clock, runUntilIdle, events } = setup({ readyAt: (t) => t + 1e9 });
    const say = robot.say({ text: 'Sorry!', kind: 'apology', tone: 'empathic' });
    const h = robot.startHandover({ objectId: 'o', target: 'h', speedScale: 1, approachWaitMs: 0, timeoutMs: 60_000 });
    clock.set(100);
    robot.advanceTo(100);
    robot.cancel(h);
    expect(robot.actionState(h)).toMatchObject({ status: 'FAILED', failureKind: 'cancelled' });
    runUntilIdle();
    expect(robot.actionState(say)?.status).toBe('FINISHED');
    expect(events.map((e) => e.type)).toEqual(['say', 'handover-start', 'handover-end']);
  });
});
