// The mixed stream `lab --traffic` plays, in the spirit of the talk's one-day figures: mostly
// legitimate mail, and each kind of unwanted traffic a gateway layer exists for. Every planned
// transaction is one attempt; a harvest run is many attempts (one per guessed recipient).
import { LAB_ADDRESSES } from '../gateway/lab-zones.js';
import { GTUBE } from '../gateway/layers/spam-filter.js';
import { EICAR } from '../gateway/layers/antivirus.js';
import { message } from '../attack/session.js';
import { zipOne } from '../attack/zip.js';

export const trafficKinds = ['legitimate', 'listed-sender', 'spoofed-sender', 'spam', 'suspicious', 'virus', 'executable', 'oversize', 'relay', 'harvest'] as const;
export type TrafficKind = (typeof trafficKinds)[number];

/** How many of each; `harvest` is the number of guessed recipients in the harvest run. */
export type TrafficMix = Record<TrafficKind, number>;

export const defaultMix: TrafficMix = {
  legitimate: 8,
  'listed-sender': 4,
  'spoofed-sender': 2,
  spam: 2,
  suspicious: 2,
  virus: 2,
  executable: 2,
  oversize: 1,
  relay: 2,
  harvest: 24,
};

/** The default mix scaled to about `messages` attempts, with at least one legitimate message. */
export function scaledMix(messages: number): TrafficMix {
  const total = Object.values(defaultMix).reduce((a, b) => a + b, 0);
  const scaled = Object.fromEntries(Object.entries(defaultMix).map(([k, n]) => [k, Math.round((n * messages) / total)])) as TrafficMix;
  scaled.legitimate = Math.max(1, scaled.legitimate);
  return scaled;
}

/** Soft-failing SPF domain of the lab zones: mail from it is tagged, not refused. */
const SOFT_SENDER = 'offers@soft.test';
const SOFT_SOURCE = '198.51.100.20';

export interface PlannedTransaction {
  kind: TrafficKind;
  /** XCLIENT address presented. */
  source: string;
  from: string;
  rcpts: string[];
  /** Declared with MAIL SIZE=; above the server's SIZE: an oversize attempt. */
  declaredSize?: 'over-limit';
  /** Sent with DATA when every recipient was accepted. */
  body?: string;
}

export interface PlanInput {
  domain: string;
  users: string[];
  mix: TrafficMix;
}

const attachment = (name: string, type: string, content: Buffer) => [{ name, type, content }];

/** The transactions of the mix except the harvest run, interleaved as a day's traffic would be. */
export function planTransactions({ domain, users, mix }: PlanInput): PlannedTransaction[] {
  const friend = 'news@friend.test';
  const to = (i: number) => users[i % users.length];
  const make: Record<Exclude<TrafficKind, 'harvest'>, (i: number) => PlannedTransaction> = {
    legitimate: (i) => ({ kind: 'legitimate', source: LAB_ADDRESSES.friend, from: friend, rcpts: [to(i)], body: message({ from: friend, to: to(i), subject: `Meeting notes ${i + 1}`, body: 'Hello,\r\n\r\nthe notes of our meeting are below.\r\n\r\nRegards\r\n' }) }),
    'listed-sender': (i) => ({ kind: 'listed-sender', source: LAB_ADDRESSES.listed, from: 'bulk@listed.example', rcpts: [to(i)], body: message({ from: 'bulk@listed.example', to: to(i), subject: 'Offer' }) }),
    'spoofed-sender': (i) => {
      const from = `ceo@${domain}`;
      return { kind: 'spoofed-sender', source: LAB_ADDRESSES.spoofer, from, rcpts: [to(i)], body: message({ from, to: to(i), subject: 'Urgent wire transfer', body: 'Please pay the attached invoice today.\r\n' }) };
    },
    spam: (i) => ({ kind: 'spam', source: LAB_ADDRESSES.friend, from: friend, rcpts: [to(i)], body: message({ from: friend, to: to(i), subject: 'Test', body: `This is the GTUBE test.\r\n\r\n${GTUBE}\r\n` }) }),
    // Soft-failing SPF, a shouted subject and a link to a bare address: junk, not refused.
    suspicious: (i) => ({ kind: 'suspicious', source: SOFT_SOURCE, from: SOFT_SENDER, rcpts: [to(i)], body: message({ from: SOFT_SENDER, to: to(i), subject: 'CHEAP OFFERS TODAY', body: 'See http://198.51.100.9/offers now.\r\n' }) }),
    virus: (i) => {
      const content = i % 2 ? zipOne('eicar.txt', Buffer.from(EICAR, 'latin1')) : Buffer.from(EICAR, 'latin1');
      const a = i % 2 ? attachment('report.zip', 'application/zip', content) : attachment('eicar.txt', 'text/plain', content);
      return { kind: 'virus', source: LAB_ADDRESSES.friend, from: friend, rcpts: [to(i)], body: message({ from: friend, to: to(i), subject: 'Report', attachments: a }) };
    },
    executable: (i) => {
      const name = i % 2 ? 'screensaver.scr' : 'invoice.exe';
      return { kind: 'executable', source: LAB_ADDRESSES.friend, from: friend, rcpts: [to(i)], body: message({ from: friend, to: to(i), subject: 'Invoice', attachments: attachment(name, 'application/octet-stream', Buffer.from('mxaudit traffic: harmless content\r\n')) }) };
    },
    oversize: (i) => ({ kind: 'oversize', source: LAB_ADDRESSES.friend, from: friend, rcpts: [to(i)], declaredSize: 'over-limit' }),
    relay: (i) => ({ kind: 'relay', source: LAB_ADDRESSES.friend, from: friend, rcpts: [`victim${i}@example.com`] }),
  };
  // Round-robin over the kinds, so no kind comes in one block.
  const queues = (Object.keys(make) as (keyof typeof make)[]).map((k) => Array.from({ length: Math.max(0, mix[k]) }, (_, i) => make[k](i)));
  const out: PlannedTransaction[] = [];
  for (let round = 0; queues.some((q) => q.length); round++) for (const q of queues) if (q.length) out.push(q.shift()!);
  return out;
}
