/**
 * Child processes for end-to-end and fault tests: spawn the `affect-bt` CLI (or any
 * executable), collect its output lines, wait for a line matching a pattern, send
 * signals, and await the exit code. Every spawned child is tracked so a test's
 * `afterEach` can kill whatever is left (no orphan planners eating the 2 cores).
 *
 * This is the one way tests start the CLI: from the TypeScript sources
 * (`node --import tsx src/cli/bin.ts`), never from `bin/affect-bt.js`, which runs the
 * build in dist/ and could be stale. Only the package test (test/package.test.ts) runs
 * the built, installed command.
 *
 * Design notes: lines are kept (bounded) so a failed wait can print the tail of the
 * child's output — the first thing anyone needs when an e2e test fails. JSON lines
 * (pino logs) are parsed once on arrival, so waits can match on fields.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * Repository root (tests run from it; paths in commands are relative to it).
 *
 * @example
 * ```ts
 * resolve(REPO_ROOT, 'cells/example.yaml');
 * ```
 */
export const REPO_ROOT = resolve(import.meta.dirname, '..', '..');

/** tsx's loader as a file URL, so `--import` works whatever the child's working directory. */
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

/** One output line of a child. */
export interface OutputLine {
  stream: 'stdout' | 'stderr';
  text: string;
  /** Parsed JSON when the line is a JSON object (pino logs, JSON events). */
  json?: Record<string, any>;
  at: number;
}

/** A matcher for {@link Child.waitFor}. */
export type LineMatcher = RegExp | ((line: OutputLine) => boolean);

const live = new Set<Child>();

/**
 * A spawned child process with line capture.
 *
 * @example
 * ```ts
 * const c = spawnCli('planner', ['run', '--config', 'cells/example.yaml']);
 * await c.waitFor((l) => l.json?.msg === 'planner ONLINE');
 * await c.stop('SIGTERM');
 * ```
 */
export class Child {
  readonly lines: OutputLine[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  exitCode: number | null | undefined = undefined;
  private waiters: { match: LineMatcher; resolve: (l: OutputLine) => void }[] = [];

  constructor(
    readonly name: string,
    readonly proc: ChildProcess,
  ) {
    live.add(this);
    for (const stream of ['stdout', 'stderr'] as const) {
      let buf = '';
      proc[stream]!.setEncoding('utf8');
      proc[stream]!.on('data', (chunk: string) => {
        buf += chunk;
        let nl: number;
        while ((nl = buf.indexOf('\n')) >= 0) {
          this.push(stream, buf.slice(0, nl));
          buf = buf.slice(nl + 1);
        }
      });
      proc[stream]!.on('end', () => {
        if (buf) this.push(stream, buf);
        buf = '';
      });
    }
    this.exited = new Promise((res) => {
      proc.on('exit', (code, signal) => {
        this.exitCode = code;
        live.delete(this);
        res({ code, signal });
      });
    });
  }

  private push(stream: 'stdout' | 'stderr', text: string): void {
    const line: OutputLine = { stream, text, at: Date.now() };
    if (text.startsWith('{')) {
      try {
        line.json = JSON.parse(text);
      } catch {
        /* not JSON */
      }
    }
    this.lines.push(line);
    if (this.lines.length > 20_000) this.lines.splice(0, 5_000);
    if (this.waiters.length > 0) {
      this.waiters = this.waiters.filter((w) => {
        if (!matches(w.match, line)) return true;
        w.resolve(line);
        return false;
      });
    }
  }

  /** The lines seen so far that match. */
  find(match: LineMatcher): OutputLine[] {
    return this.lines.filter((l) => matches(match, l));
  }

  /**
   * Resolves with the first line (already seen with `since` index, or future) that
   * matches; rejects after `timeoutMs` with the tail of the output.
   */
  waitFor(match: LineMatcher, timeoutMs = 10_000, since = 0): Promise<OutputLine> {
    for (let i = since; i < this.lines.length; i++) if (matches(match, this.lines[i]!)) return Promise.resolve(this.lines[i]!);
    return new Promise((res, rej) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        rej(new Error(`${this.name}: no line matching ${String(match)} within ${timeoutMs} ms (exit ${this.exitCode}); last lines:\n${this.tail(25)}`));
      }, timeoutMs);
      const waiter = {
        match,
        resolve: (l: OutputLine) => {
          clearTimeout(timer);
          res(l);
        },
      };
      this.waiters.push(waiter);
    });
  }

  /** The last `n` lines as text (for error messages). */
  tail(n = 20): string {
    return this.lines
      .slice(-n)
      .map((l) => `  [${l.stream}] ${l.text}`)
      .join('\n');
  }

  /** Writes one line to the child's stdin (scripted children read commands there). */
  send(line: string): void {
    if (this.exitCode === undefined) this.proc.stdin?.write(line + '\n');
  }

  /** Sends a signal (no-op after exit). */
  kill(signal: NodeJS.Signals = 'SIGTERM'): void {
    if (this.exitCode === undefined) this.proc.kill(signal);
  }

  /** Sends `signal` and waits for the exit; SIGKILLs after `timeoutMs`. */
  async stop(signal: NodeJS.Signals = 'SIGTERM', timeoutMs = 5000): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    if (this.exitCode !== undefined) return this.exited;
    this.kill(signal);
    const t = setTimeout(() => this.kill('SIGKILL'), timeoutMs);
    try {
      return await this.exited;
    } finally {
      clearTimeout(t);
    }
  }
}

function matches(m: LineMatcher, l: OutputLine): boolean {
  return typeof m === 'function' ? m(l) : m.test(l.text);
}

/**
 * The Node arguments that run `affect-bt <args>` from the sources (for `spawnSync` /
 * `execFile` with `process.execPath`).
 *
 * @example
 * ```ts
 * const r = spawnSync(process.execPath, cliArgv(['validate', 'trees/handover_affect.yaml']), { encoding: 'utf8' });
 * ```
 */
export function cliArgv(args: readonly string[]): string[] {
  return ['--import', TSX, resolve(REPO_ROOT, 'src/cli/bin.ts'), ...args];
}

/**
 * Spawns `affect-bt <args>` (from the sources) in the repo root (or `cwd`).
 *
 * @example
 * ```ts
 * const sim = spawnCli('controller', ['controller-sim', '--mqtt', url, '--robot', 'acme/c1']);
 * await sim.waitFor(/ONLINE/);
 * await sim.stop();
 * ```
 */
export function spawnCli(name: string, args: string[], env: Record<string, string | undefined> = {}, cwd = REPO_ROOT): Child {
  return spawnProcess(name, process.execPath, cliArgv(args), env, cwd);
}

/**
 * Spawns a TypeScript file with Node and the tsx loader (for scripted helpers in test/support).
 *
 * @example
 * ```ts
 * const pub = spawnTs('affect', 'test/support/affect-publisher.ts', ['--mqtt', url, '--robot', 'acme/c1']);
 * pub.send('frustrated');
 * ```
 */
export function spawnTs(name: string, file: string, args: string[], env: Record<string, string | undefined> = {}): Child {
  return spawnProcess(name, process.execPath, ['--import', TSX, resolve(REPO_ROOT, file), ...args], env);
}

/**
 * Spawns any executable with captured output.
 *
 * @example
 * ```ts
 * const m = spawnProcess('mosquitto', 'mosquitto', ['-p', '18830']);
 * ```
 */
export function spawnProcess(name: string, command: string, args: string[], env: Record<string, string | undefined> = {}, cwd = REPO_ROOT): Child {
  const proc = spawn(command, args, { cwd, env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
  return new Child(name, proc);
}

/** Output of a finished child ({@link runProcess}). */
export interface Finished {
  code: number | null;
  out: string;
  err: string;
  /** Wall time, ms. */
  ms: number;
}

/**
 * Runs a command to completion and collects its output (SIGKILL after `timeoutMs`).
 * `env` replaces the environment when given.
 *
 * @example
 * ```ts
 * const r = await runProcess('npm', ['--version'], { cwd: '/tmp' });
 * ```
 */
export function runProcess(command: string, args: readonly string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<Finished> {
  const t0 = Date.now();
  return new Promise((res) => {
    const child = spawn(command, args, { cwd: opts.cwd ?? REPO_ROOT, env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 300_000);
    child.stdout!.on('data', (d: Buffer) => (out += d));
    child.stderr!.on('data', (d: Buffer) => (err += d));
    child.on('close', (code) => {
      clearTimeout(timer);
      res({ code, out, err, ms: Date.now() - t0 });
    });
  });
}

/**
 * Runs `affect-bt <args>` from the sources to completion (in `cwd`, default the repo root).
 *
 * @example
 * ```ts
 * const r = await runCli(['validate', 'trees/handover_affect.yaml']); // r.code === 0
 * ```
 */
export function runCli(args: readonly string[], cwd = REPO_ROOT): Promise<Finished> {
  return runProcess(process.execPath, cliArgv(args), { cwd });
}

/**
 * SIGKILLs every child still running (use in `afterEach`/`afterAll`).
 *
 * @example
 * ```ts
 * afterEach(async () => { await killAll(); });
 * ```
 */
export async function killAll(): Promise<void> {
  const all = [...live];
  for (const c of all) c.kill('SIGKILL');
  await Promise.all(all.map((c) => c.exited));
}

/**
 * A TCP port that was free a moment ago on 127.0.0.1.
 *
 * @example
 * ```ts
 * const port = await freePort();
 * ```
 */
export async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => res(port));
    });
  });
}

/**
 * Polls `check` until it returns a truthy value or `timeoutMs` passes.
 *
 * @example
 * ```ts
 * await until(() => sim.find(/FINISHED/).length >= 2, 10_000, 'two handovers');
 * await until(() => missing().length === 0, 5000, () => `nothing missing (still: ${missing().join(', ')})`);
 * ```
 */
export async function until<T>(check: () => T | Promise<T>, timeoutMs: number, what: string | (() => string), intervalMs = 50): Promise<NonNullable<T>> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v as NonNullable<T>;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${typeof what === 'function' ? what() : what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
