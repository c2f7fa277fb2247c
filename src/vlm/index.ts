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
export * from './gemini.ts';
export * from './summary.ts';
export * from './keyframes.ts';
export * from './compose.ts';
export * from './policy.ts';
export * from './merge.ts';
export * from './escalator.ts';
export * from './synthetic.ts';
