/**
 * Renders the scenario parameter table (name, default, range, meaning and source)
 * from {@link ScenarioSchema}, so docs/simulator.md cannot drift from the code: a test
 * checks that the doc contains exactly this text between its markers.
 */
import type { TSchema } from '@sinclair/typebox';
import { ScenarioSchema } from './params.ts';

/**
 * Marker lines around the generated table in docs/simulator.md.
 *
 * @example
 * ```ts
 * const table = doc.slice(doc.indexOf(PARAMS_BEGIN) + PARAMS_BEGIN.length, doc.indexOf(PARAMS_END));
 * ```
 */
export const PARAMS_BEGIN = '<!-- BEGIN GENERATED: scenario parameters (sim/params-doc.ts) -->';
export const PARAMS_END = '<!-- END GENERATED: scenario parameters -->';

type Node = TSchema & { properties?: Record<string, Node>; default?: unknown; minimum?: number; maximum?: number; description?: string; type?: string };

/**
 * The markdown table of every scenario parameter.
 *
 * @example
 * ```ts
 * console.log(scenarioParamsMarkdown());
 * ```
 */
export function scenarioParamsMarkdown(): string {
  const rows: string[] = ['| parameter | default | range | meaning |', '|---|---|---|---|'];
  const walk = (node: Node, path: string, traitOf?: string) => {
    const props = node.properties;
    if (props && node.type === 'object') {
      const isTrait = props.mean !== undefined && props.sd !== undefined && Object.keys(props).length === 2;
      if (isTrait) {
        const m = props.mean!;
        const s = props.sd!;
        rows.push(`| \`${path}\` | mean ${String(m.default)}, sd ${String(s.default)} | [0, 1] | ${(node.description ?? '').replace(/\|/g, '\\|')} |`);
        return;
      }
      const isSpread = props.median !== undefined && props.sdLog !== undefined && Object.keys(props).length === 2;
      if (isSpread) {
        const m = props.median!;
        const s = props.sdLog!;
        rows.push(`| \`${path}\` | median ${String(m.default)}, sdLog ${String(s.default)} | log-normal, median in [${m.minimum}, ${m.maximum}] | ${(node.description ?? '').replace(/\|/g, '\\|')} |`);
        return;
      }
      if (path) rows.push(`| \`${path}\` | | | **${(node.description ?? '').replace(/\|/g, '\\|')}** |`);
      for (const [k, v] of Object.entries(props)) walk(v, path ? `${path}.${k}` : k, traitOf);
      return;
    }
    const range =
      node.minimum !== undefined || node.maximum !== undefined
        ? `[${node.minimum ?? '−∞'}, ${node.maximum ?? '∞'}]`
        : node.type === 'object'
          ? 'map: key → value or { values, weights }'
          : (node.type ?? '');
    const def = node.default === undefined ? '(required)' : JSON.stringify(node.default);
    rows.push(`| \`${path}\` | ${def} | ${range} | ${(node.description ?? '').replace(/\|/g, '\\|')} |`);
  };
  walk(ScenarioSchema as Node, '');
  return rows.join('\n');
}
