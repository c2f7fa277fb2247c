/**
 * Backoff lives in the core layer (the estimator's stream restarts use it too); this
 * re-export keeps the deploy modules' imports short.
 */
export { Backoff, type BackoffOptions } from '../core/backoff.ts';
