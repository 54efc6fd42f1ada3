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
  for (const i of uiRestrictedIssues(raw as Record<string, unknown>)) at(i.path, i.message);
  return { config: raw as Record<string, unknown>, issues };
}

/**
 * What the UI may not choose: the config comes from the renderer (or a serve client), so a file
 * path in it would let a page append to or read any file main can (a decision log at ~/.bashrc,
 * a mail store or TLS key anywhere), and a non-loopback host would open a LAN listener. The app
 * puts the store and the TLS material under its data folder and listens on 127.0.0.1 only;
 * `mxaudit gateway --config` (the CLI, the user's own file) has no such limit.
 */
function uiRestrictedIssues(raw: Record<string, unknown>): { path: string[]; message: string }[] {
  const out: { path: string[]; message: string }[] = [];
  const set = (o: unknown, key: string) => o !== null && typeof o === 'object' && Object.hasOwn(o, key);
  const fileRefused = 'not settable from the app: it names a file; the app keeps the gateway\'s files in its data folder (use mxaudit gateway --config for your own paths)';
  if (set(raw, 'log')) out.push({ path: ['log'], message: fileRefused });
  if (set(raw, 'storeDir')) out.push({ path: ['storeDir'], message: fileRefused });
  for (const key of ['key', 'cert']) if (set(raw.tls, key)) out.push({ path: ['tls', key], message: fileRefused });
  const listenHost = (o: unknown) => (set(o, 'host') ? (o as { host: unknown }).host : undefined);
  const loopbackOnly = 'the app listens on 127.0.0.1 only';
  const mx = listenHost(raw.listen);
  if (mx !== undefined && !isLoopback(mx)) out.push({ path: ['listen', 'host'], message: loopbackOnly });
  const sub = set(raw.submission, 'listen') ? listenHost((raw.submission as { listen: unknown }).listen) : undefined;
  if (sub !== undefined && !isLoopback(sub)) out.push({ path: ['submission', 'listen', 'host'], message: loopbackOnly });
  return out;
}

const isLoopback = (h: unknown) => h === '127.0.0.1' || h === 'localhost' || h === '::1';

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
