// A gateway with the content layers (spam filter, attachment blocking, anti-virus) after the
// registry's, for their tests: every client counts as outside (internalNetworks empty) unless
// the test says otherwise; alice@lab.test exists; a reader for the store's folders.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import nodemailer from 'nodemailer';
import type Mail from 'nodemailer/lib/mailer/index.js';
import { startGateway, type Gateway } from '../../main/gateway/server.js';
import { layerRegistry } from '../../main/gateway/layer-registry.js';
import type { LayerList } from '../../main/gateway/config.js';
import type { Decision } from '../../main/gateway/session.js';
import { createResolver } from '../../main/net/resolver.js';
import spamFilter from '../../main/gateway/layers/spam-filter.js';
import attachmentBlocking from '../../main/gateway/layers/attachment-blocking.js';
import antivirus from '../../main/gateway/layers/antivirus.js';

export const CONTENT_LAYERS: LayerList = [...layerRegistry, spamFilter, attachmentBlocking, antivirus];
/** The talk's order: spam filtering, attachment blocking, then anti-virus. */
export const CONTENT_ORDER = ['sender-recipient-filter', 'protocol-hygiene', 'recipient-lookup', 'spam-filter', 'attachment-blocking', 'antivirus'];

export interface ContentGateway {
  gw: Gateway;
  store: string;
  /** Data-phase decisions, in order. */
  decisions: Decision[];
  /** Stops the gateway and removes its store. */
  stop(): Promise<void>;
}

export async function startContentGateway(layers: Record<string, unknown>, config: Record<string, unknown> = {}, extraLayers: LayerList = []): Promise<ContentGateway> {
  const store = mkdtempSync(join(tmpdir(), 'mxaudit-content-'));
  const gw = await startGateway(
    {
      listen: { host: '127.0.0.1', port: 0 },
      storeDir: store,
      xclientPeers: ['127.0.0.1'],
      internalNetworks: [],
      order: CONTENT_ORDER,
      ...config,
      layers: { 'recipient-lookup': { directory: { users: ['alice@lab.test'] }, tarpitSeconds: 0 }, ...layers },
    },
    { layers: [...CONTENT_LAYERS, ...extraLayers], resolver: createResolver(['127.0.0.1:1']) },
  );
  const decisions: Decision[] = [];
  gw.events.on('decision', (_s, d) => {
    if (d.phase === 'data') decisions.push(d);
  });
  const stop = async () => {
    await gw.stop();
    rmSync(store, { recursive: true, force: true });
  };
  return { gw, store, decisions, stop };
}

export const swaksAvailable = existsSync('/usr/bin/swaks');

/** swaks from an outside address (XCLIENT), to alice@lab.test unless args say otherwise; its transcript. */
export async function swaks(port: number, ...args: string[]): Promise<string> {
  const base = ['--server', `127.0.0.1:${port}`, '--helo', 'client.example', '--timeout', '20', '--xclient-addr', '192.0.2.20', '--from', 'friend@example.org', '--to', 'alice@lab.test'];
  const r = await promisify(execFile)('swaks', [...base, ...args]).catch((e: { stdout: string }) => e);
  return r.stdout;
}

/** Sends with nodemailer; the server's final reply line, accepted or not. */
export async function send(port: number, mail: Mail.Options): Promise<string> {
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true });
  try {
    return (await transport.sendMail({ from: 'friend@example.org', to: 'alice@lab.test', ...mail })).response;
  } catch (err) {
    return (err as { response?: string }).response ?? String(err);
  } finally {
    transport.close();
  }
}

/** The folder ('inbox', 'junk', 'quarantine') holding alice's one message containing `marker`, and the message. */
export function findStored(store: string, marker: string, rcpt = 'alice@lab.test'): { folder: string; text: string } | null {
  const hits: { folder: string; text: string }[] = [];
  for (const folder of ['inbox', 'junk', 'quarantine']) {
    const dir = join(store, folder, rcpt);
    if (!existsSync(dir)) continue;
    for (const f of readdirSync(dir).filter((n) => n.endsWith('.eml'))) {
      const text = readFileSync(join(dir, f), 'latin1');
      if (text.includes(marker)) hits.push({ folder, text });
    }
  }
  if (hits.length > 1) throw new Error(`${hits.length} stored messages contain "${marker}"`);
  return hits[0] ?? null;
}

/** A header field of a stored message (the first one), unfolded. */
export const header = (text: string, name: string): string | undefined =>
  text
    .split('\r\n\r\n')[0]
    .replace(/\r\n[ \t]+/g, ' ')
    .split('\r\n')
    .find((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`))
    ?.slice(name.length + 1)
    .trim();
