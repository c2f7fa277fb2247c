// Vitest setup file, run before every test file:
// - registers affect-bt's built-in leaves into the default node registry, as the package
//   entry does for users (the tree layer never imports nodes/, so tree-layer tests would
//   otherwise see only control nodes);
// - after the file, clears the retained messages its robots left on MQTT_URL (the shared
//   Mosquitto), so test runs do not pile up connection states and last wills there.
import { afterAll } from 'vitest';
import '../../src/builtins.ts';
import { clearTrackedRetained } from './retained.ts';

afterAll(() => clearTrackedRetained(), 15_000);
