import { describe, it, expect } from 'vitest';
import { PlannerMetrics, startMetricsServer } from './metrics.ts';

describe('PlannerMetrics + /metrics', () => {
  it('serves every planner metric in Prometheus text format', async () => {
    const m = new PlannerMetrics({ labels: { robot: 'acme/c1' } });
    m.observeTick(0.3, false);
    m.observeTick(25, true);
    m.setAffectAgeSource(() => 120);
    m.setMessageSource(() => ({ received: { all: 3, affect: 1 }, rejected: { schema: 2 } }));
    m.action('handover', 'finished');
    m.vlmCall('ok', 0.002);
    const srv = await startMetricsServer(m.registry, { host: '127.0.0.1', port: 0, health: () => ({ ok: true, safe: false }) });
    try {
      const res = await fetch(srv.url);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
      const text = await res.text();
      expect(text).toContain('# TYPE affectbt_tick_duration_seconds histogram');
      expect(text).toContain('affectbt_tick_duration_seconds_count{robot="acme/c1"} 2');
      expect(text).toContain('affectbt_tick_overruns_total{robot="acme/c1"} 1');
      expect(text).toContain('affectbt_affect_age_seconds{robot="acme/c1"} 0.12');
      expect(text).toContain('affectbt_mqtt_messages_received_total{topic="affect",robot="acme/c1"} 1');
      expect(text).toContain('affectbt_mqtt_messages_rejected_total{reason="schema",robot="acme/c1"} 2');
      expect(text).toContain('affectbt_actions_total{type="handover",outcome="finished",robot="acme/c1"} 1');
      expect(text).toContain('affectbt_vlm_calls_total{outcome="ok",robot="acme/c1"} 1');
      expect(text).toContain('affectbt_vlm_cost_usd_total{robot="acme/c1"} 0.002');
      expect(text).toContain('affectbt_nodejs_heap_size_total_bytes');
      const health = await fetch(`http://127.0.0.1:${srv.port}/healthz`).then((r) => r.json());
      expect(health).toEqual({ ok: true, safe: false });
      expect((await fetch(`http://127.0.0.1:${srv.port}/nope`)).status).toBe(404);
    } finally {
      await srv.close();
    }
  });

  it('explains a port that is taken', async () => {
    const m = new PlannerMetrics({ defaultMetrics: false });
    const a = await startMetricsServer(m.registry, { host: '127.0.0.1', port: 0 });
    try {
      await expect(startMetricsServer(m.registry, { host: '127.0.0.1', port: a.port })).rejects.toThrow(`metrics server cannot listen on 127.0.0.1:${a.port}: EADDRINUSE (pick another metrics.port or free the port)`);
    } finally {
      await a.close();
    }
  });
});
