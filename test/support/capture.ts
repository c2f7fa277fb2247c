// Runs a CLI command module's `run(argv)` in-process and captures what it writes to
// stdout and stderr (for tests of commands whose output is the result).

/** Exit code and captured output of one in-process command run. */
export interface Captured {
  code: number;
  out: string;
  err: string;
}

/** Calls `run(argv)` with process.stdout/stderr captured, restoring them afterwards. */
export async function captureRun(run: (argv: string[]) => Promise<number>, argv: string[]): Promise<Captured> {
  const out: string[] = [];
  const err: string[] = [];
  const o = process.stdout.write.bind(process.stdout);
  const e = process.stderr.write.bind(process.stderr);
  process.stdout.write = ((s: string) => (out.push(String(s)), true)) as typeof process.stdout.write;
  process.stderr.write = ((s: string) => (err.push(String(s)), true)) as typeof process.stderr.write;
  try {
    const code = await run(argv);
    return { code, out: out.join(''), err: err.join('') };
  } finally {
    process.stdout.write = o;
    process.stderr.write = e;
  }
}
