/**
 * `Switch2` … `Switch6` (BehaviorTree.CPP's SwitchNode<N>): reads the blackboard key in
 * `variable` every tick and runs the child of the first `caseK` it equals, or the last
 * child (default) when none does or the key is unknown (missing or stale). Values are
 * equal when their text is equal or both are the same number (`5` equals `5.0`; `5abc`
 * equals nothing). When the match changes, the child that was running is halted.
 */
import type { RunResult } from '../engine-types.ts';
import type { BlackboardAccess } from '../../core/blackboard.ts';
import type { NodeDef } from '../node.ts';
import type { PortSpec } from '../ports.ts';
import { NodeLogic, RUNNING, RuntimeNode, SKIPPED } from '../runtime.ts';
import { haltChildren } from './shared.ts';

const NUMERIC = /^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/;

/**
 * The number a case or variable text stands for, or NaN (BehaviorTree.CPP's strict
 * conversion: the whole text must be a number).
 *
 * @example
 * ```ts
 * strictNumber('5.0'); // 5
 * strictNumber('5abc'); // NaN
 * ```
 */
export function strictNumber(text: string): number {
  return NUMERIC.test(text) ? Number(text) : NaN;
}

/**
 * Logic of `Switch2` … `Switch6`.
 *
 * @example
 * ```ts
 * new RuntimeNode(info, children, new SwitchLogic(io, 'mode', ['1', '42'])).run(bb);
 * ```
 */
export class SwitchLogic extends NodeLogic {
  private runningChild = -1;
  private readonly caseNums: number[];
  constructor(
    private readonly io: BlackboardAccess,
    private readonly key: string,
    private readonly cases: readonly string[],
  ) {
    super();
    this.caseNums = cases.map(strictNumber);
  }

  private match(): number {
    const v = this.io.get<unknown>(this.key);
    const cases = this.cases;
    const n = cases.length;
    if (typeof v === 'number') {
      for (let i = 0; i < n; i++) if (this.caseNums[i] === v) return i;
    } else if (typeof v === 'string') {
      let num = NaN;
      let parsed = false;
      for (let i = 0; i < n; i++) {
        if (cases[i] === v) return i;
        if (this.caseNums[i] === this.caseNums[i]) {
          if (!parsed) {
            num = strictNumber(v);
            parsed = true;
          }
          if (num === this.caseNums[i]) return i;
        }
      }
    } else if (typeof v === 'boolean') {
      const t = v ? 'true' : 'false';
      for (let i = 0; i < n; i++) if (cases[i] === t) return i;
    }
    return n;
  }

  tick(n: RuntimeNode, bb: unknown): RunResult {
    const m = this.match();
    if (this.runningChild !== -1 && this.runningChild !== m) n.children[this.runningChild]!.halt();
    const r = n.children[m]!.run(bb);
    if (r === SKIPPED) {
      this.runningChild = -1;
      return SKIPPED;
    }
    if (r === RUNNING) {
      this.runningChild = m;
      return RUNNING;
    }
    haltChildren(n.children);
    this.runningChild = -1;
    return r;
  }

  override halt(n: RuntimeNode): void {
    this.runningChild = -1;
    haltChildren(n.children);
  }

  override feedback(n: RuntimeNode): string {
    const i = n.children.findIndex((c) => c.lastTick === n.lastTick);
    return i < 0 ? 'not ticked yet' : i === this.cases.length ? 'default branch' : `case ${i + 1} (${this.cases[i]})`;
  }
}

function switchDef(n: number): NodeDef {
  const ports: PortSpec[] = [{ name: 'variable', type: 'key', required: true, valueType: 'any', description: 'blackboard key whose value selects the branch' }];
  for (let i = 1; i <= n; i++) ports.push({ name: `case${i}`, alias: `case_${i}`, type: 'scalar', required: true, description: `value that selects child ${i}` });
  const cases = Array.from({ length: n }, (_, i) => `  case${i + 1}: ${i === 0 ? 'slow' : `mode${i + 1}`}`).join('\n');
  const kids = Array.from({ length: n }, (_, i) => `    - Wait: { durationMs: ${(i + 1) * 100} }`).join('\n');
  return {
    kind: `Switch${n}`,
    category: 'composite',
    role: 'control',
    description: `Runs the child of the first of case1..case${n} that equals the value of \`variable\` (as text, or as the same number), else the last child (default); halts the previous branch when the match changes.`,
    ports,
    children: { min: n + 1, max: n + 1 },
    example: `Switch${n}:\n  variable: '{mode}'\n${cases}\n  children:\n${kids}\n    - Wait: { durationMs: 10 }`,
    createControl: (c) => {
      const key = String(c.ports.variable);
      return new RuntimeNode(c.info, c.children, new SwitchLogic(c.access({ reads: [key] }), key, Array.from({ length: n }, (_, i) => String(c.ports[`case${i + 1}`]))));
    },
  };
}

/**
 * Declarations of `Switch2` … `Switch6`.
 *
 * @example
 * ```ts
 * SWITCH_DEFS.map((d) => d.kind); // ['Switch2', …, 'Switch6']
 * ```
 */
export const SWITCH_DEFS: readonly NodeDef[] = [2, 3, 4, 5, 6].map(switchDef);
