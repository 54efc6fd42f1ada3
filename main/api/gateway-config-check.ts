// The gateway config editor's checker: parses the text (JSON or YAML) and reports every
// problem with its path and, where it can be found, its line, so the UI shows errors in place.
import yaml from 'js-yaml';
import { gatewayConfigSchema } from '../gateway/config.js';
import { layerRegistry } from '../gateway/layer-registry.js';
import type { ConfigIssue } from '../../shared/ipc-contract.js';

export const defaultConfigText = `{
  "hostname": "mx.lab.test",
  "domains": ["lab.test"],
  "maxMessageBytes": 10485760,
  "layers": {
    "recipient-lookup": { "tarpitSeconds": 0 }
  }
}
`;

export function parseConfigText(text: string): { config: Record<string, unknown>; issues: ConfigIssue[] } {
  if (!text.trim()) return { config: {}, issues: [] };
  let raw: unknown;
  try {
    raw = yaml.load(text, { json: true });
  } catch (err) {
    const e = err as yaml.YAMLException;
    return { config: {}, issues: [{ path: '', message: e.reason ?? e.message.split('\n')[0], line: e.mark ? e.mark.line + 1 : null }] };
  }
  if (raw === null || raw === undefined) return { config: {}, issues: [] };
  if (typeof raw !== 'object' || Array.isArray(raw)) return { config: {}, issues: [{ path: '', message: 'expected an object of settings', line: 1 }] };
  const issues: ConfigIssue[] = [];
  const parsed = gatewayConfigSchema(layerRegistry).safeParse(raw);
  const at = (path: (string | number)[], message: string) => issues.push({ path: path.join('.'), message, line: lineOf(text, path) });
  if (!parsed.success) for (const i of parsed.error.issues) at(i.path.map((p) => (typeof p === 'symbol' ? String(p) : p)), i.message);
  const layers = ((raw as Record<string, unknown>).layers ?? {}) as Record<string, unknown>;
  if (layers && typeof layers === 'object') {
    for (const [id, options] of Object.entries(layers)) {
      const def = layerRegistry.find((l) => l.id === id);
      if (!def) {
        at(['layers', id], `unknown layer; known: ${layerRegistry.map((l) => l.id).join(', ')}`);
        continue;
      }
      const r = def.options.safeParse(options);
      if (!r.success) for (const i of r.error.issues) at(['layers', id, ...i.path.map((p: PropertyKey) => (typeof p === "symbol" ? String(p) : p))], i.message);
    }
  }
  return { config: raw as Record<string, unknown>, issues };
}

/** Line (1-based) of the deepest key of the path that appears in the text, searching in order. */
function lineOf(text: string, path: (string | number)[]): number | null {
  let from = 0;
  let found: number | null = null;
  for (const key of path) {
    if (typeof key !== 'string') continue;
    const escaped = key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const m = new RegExp(`(["']?)${escaped}\\1\\s*:`).exec(text.slice(from));
    if (!m) break;
    from += m.index;
    found = text.slice(0, from).split('\n').length;
  }
  return found;
}
