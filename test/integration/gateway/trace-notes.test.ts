// A layer that tags without deciding ({ action: 'continue', reason }) leaves a note in the
// decision trace: in the session's decisions, the `decision` event, the counters and the JSON
// log, with the layer that decided the phase still recorded after it. Driven by swaks.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { afterAll, describe, expect, it } from 'vitest';
import { startGateway } from '../../../main/gateway/server.js';
import { defineLayer, CONTINUE } from '../../../main/gateway/define-layer.js';
import { layerRegistry } from '../../../main/gateway/layer-registry.js';
import type { Decision } from '../../../main/gateway/session.js';
import type { SessionLogLine } from '../../../main/gateway/trace-log.js';
import { createResolver } from '../../../main/net/resolver.js';
import { startLabDns } from '../../support/lab-dns.js';
import { swaks } from '../../support/smtp-clients.js';

/** Tags mail from example.org at MAIL and every message at DATA; says nothing otherwise. */
const tagger = defineLayer({
  id: 'tagger',
  title: 'Test tagger',
  options: z.object({}).strict().default({}),
  hooks: {
    mail: (ctx, from) => (from.endsWith('@example.org') ? { action: 'continue', reason: 'tagged [OUTSIDE]' } : CONTINUE),
    data: (ctx) => {
      ctx.session.addHeaders.push('X-Tagged: yes');
      return { action: 'continue', reason: 'added X-Tagged' };
    },
  },
});

const dir = mkdtempSync(join(tmpdir(), 'mxaudit-notes-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(!existsSync('/usr/bin/swaks'))('trace notes', () => {
  it('records a tagging layer as a note, then the deciding verdict', async () => {
    const dns = await startLabDns({});
    const log = join(dir, 'log.jsonl');
    const gw = await startGateway(
      {
        listen: { host: '127.0.0.1', port: 0 },
        storeDir: join(dir, 'store'),
        tls: { enabled: false },
        log,
        order: ['tagger', 'sender-recipient-filter', 'protocol-hygiene', 'recipient-lookup'],
        directory: { users: ['alice@lab.test'] },
      },
      { resolver: createResolver([dns.server]), layers: [...layerRegistry, tagger] },
    );
    const events: Decision[] = [];
    gw.events.on('decision', (_s, d) => events.push(d));
    try {
      const out = await swaks(gw.port, '--from', 'x@example.org', '--to', 'alice@lab.test', '--body', 'marker-notes');
      expect(out).toMatch(/<- +250 2\.0\.0 Message accepted: queued as /);
      await gw.stop(1000);
      const note = (phase: string, reason: string) => ({ phase, layer: 'tagger', action: 'note', reason, reply: '', ms: expect.any(Number) });
      expect(events.map(({ phase, layer, action }) => `${phase} ${layer} ${action}`)).toEqual(['connect gateway accept', 'mail tagger note', 'mail gateway accept', 'rcpt gateway accept', 'data tagger note', 'data gateway accept']);
      expect(events[1]).toEqual({ ...note('mail', 'tagged [OUTSIDE]'), subject: 'x@example.org' });
      expect(events[4]).toEqual(note('data', 'added X-Tagged'));
      expect(gw.counters().tagger).toEqual({ 'mail:note': 1, 'data:note': 1 });
      const [line] = readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as SessionLogLine);
      expect(line.decisions.filter((d) => d.action === 'note').map((d) => d.reason)).toEqual(['tagged [OUTSIDE]', 'added X-Tagged']);
    } finally {
      await gw.stop(0);
      await dns.stop();
    }
  });
});
