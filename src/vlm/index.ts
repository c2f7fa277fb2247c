/**
 * Public surface of the VLM escalation (issue 5): provider interface and Gemini
 * provider, request composer, policy, merging and the background `Escalator`.
 * See docs/vlm.md.
 *
 * @example
 * ```ts
 * import { Escalator, geminiFromEnv, fileFrameSource } from './vlm/index.ts';
 * ```
 */
export * from './types.ts';
export * from './schema.ts';
export * from './wire.ts';
export { GeminiProvider, geminiFromEnv, type GeminiOptions } from './gemini.ts';
export * from './summary.ts';
export * from './keyframes.ts';
export * from './compose.ts';
export * from './policy.ts';
export * from './merge.ts';
export * from './escalator.ts';
export * from './dry-run.ts';
export * from './cli.ts';
export * from './settings.ts';
export * from './synthetic.ts';
