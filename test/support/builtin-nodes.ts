// Vitest setup file: registers affect-bt's built-in leaves into the default node
// registry before every test file, as the package entry does for users (the tree layer
// never imports nodes/, so tree-layer tests would otherwise see only control nodes).
import '../../src/builtins.ts';
