import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { configReference } from './config-doc.ts';
import { PlannerMetrics } from './metrics.ts';

const doc = readFileSync('docs/deploy.md', 'utf8');

describe('docs/deploy.md', () => {
  it('carries the config table generated from the schema', () => {
    expect(doc).toContain(configReference());
  });

  it('documents every affect-bt metric the planner exposes', async () => {
    const m = new PlannerMetrics({ defaultMetrics: false });
    const names = (await m.registry.getMetricsAsJSON()).map((x) => x.name);
    expect(names.length).toBeGreaterThan(10);
    for (const n of names) expect(doc, `metric ${n} missing from docs/deploy.md`).toContain(n);
  });

  it('covers the topics the issue asks for', () => {
    for (const h of ['## Topic contract', '## Writing a controller adapter', '(systemd)', '## Brokers', '## TLS', '## Troubleshooting', 'EMQX', 'HiveMQ', 'Mosquitto']) expect(doc).toContain(h);
  });
});
