/**
 * The estimator's heavy native dependencies — onnxruntime-node (the ONNX models) and
 * sharp (image decoding) — are optional peer dependencies of affect-bt: a planner that
 * only ticks trees never installs them (and never runs onnxruntime-node's install
 * script, which downloads CUDA binaries). They are imported here on first use, so a
 * missing one is an error that says what to install instead of a module-resolution
 * failure at import time.
 */
import { readFileSync } from 'node:fs';
import { packagePath } from '../core/package-files.ts';

/**
 * A peer dependency the estimator (or VLM keyframes) needs is not installed.
 *
 * @example
 * ```ts
 * try { await createFramePipeline(); } catch (e) { if (e instanceof MissingPeerError) console.error(e.message); }
 * ```
 */
export class MissingPeerError extends Error {
  override name = 'MissingPeerError';
  constructor(readonly packageName: string) {
    super(`${packageName} is not installed; affect-bt's estimator needs it: ${installCommand()}`);
  }
}

/**
 * The one-line install command for the estimator's peers, with the versions affect-bt
 * was tested with (its `peerDependencies`). `ONNXRUNTIME_NODE_INSTALL=skip` keeps
 * onnxruntime-node's install script from downloading CUDA binaries (the CPU library
 * ships in the package).
 *
 * @example
 * ```ts
 * installCommand(); // 'ONNXRUNTIME_NODE_INSTALL=skip npm install onnxruntime-node@1.30.0 sharp@0.35.5'
 * ```
 */
export function installCommand(): string {
  const peers = (JSON.parse(readFileSync(packagePath('package.json'), 'utf8')) as { peerDependencies?: Record<string, string> }).peerDependencies ?? {};
  return `ONNXRUNTIME_NODE_INSTALL=skip npm install ${Object.entries(peers)
    .map(([name, version]) => `${name}@${version}`)
    .join(' ')}`;
}

function missing(err: unknown, name: string): boolean {
  const e = err as NodeJS.ErrnoException;
  return (e?.code === 'ERR_MODULE_NOT_FOUND' || e?.code === 'MODULE_NOT_FOUND') && String(e.message).includes(`'${name}'`);
}

/**
 * onnxruntime-node, or a {@link MissingPeerError}.
 *
 * @example
 * ```ts
 * const ort = await loadOnnxRuntime();
 * const session = await ort.InferenceSession.create('models/face_expression.onnx');
 * ```
 */
export async function loadOnnxRuntime(): Promise<typeof import('onnxruntime-node')> {
  try {
    return await import('onnxruntime-node');
  } catch (err) {
    if (missing(err, 'onnxruntime-node')) throw new MissingPeerError('onnxruntime-node');
    throw err;
  }
}

/**
 * sharp's default export, or a {@link MissingPeerError}.
 *
 * @example
 * ```ts
 * const sharp = await loadSharp();
 * const { data, info } = await sharp('face.jpg').raw().toBuffer({ resolveWithObject: true });
 * ```
 */
export async function loadSharp(): Promise<typeof import('sharp').default> {
  try {
    return (await import('sharp')).default;
  } catch (err) {
    if (missing(err, 'sharp')) throw new MissingPeerError('sharp');
    throw err;
  }
}
