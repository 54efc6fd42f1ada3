// A directory harvest: many made-up recipients from one address, in parallel sessions (as
// harvesters do, and so the tarpit does not make the burst last minutes).
import { randomBytes } from 'node:crypto';
import { LAB_ADDRESSES } from '../gateway/lab-zones.js';
import { replyText } from '../net/smtp-reply.js';
import { defineAttack, type AttackObservation } from './define-attack.js';
import { failure, open } from './session.js';

export default defineAttack({
  id: 'harvest-burst',
  title: 'Directory harvest burst (many unknown recipients from one address)',
  expected: { layer: 'recipient-lookup', stage: 'rcpt', replyClass: '4xx', why: 'the harvest is detected and the harvester disconnected (421)' },
  source: LAB_ADDRESSES.harvester,
  async run(ctx) {
    const tag = randomBytes(3).toString('hex');
    const names = Array.from({ length: ctx.harvest.recipients }, (_, i) => `h${tag}${i}@${ctx.domain}`);
    let next = 0;
    let unknown = 0;
    let cut: AttackObservation | null = null;
    const worker = async () => {
      while (next < names.length && !cut) {
        const o = await open(ctx, LAB_ADDRESSES.harvester);
        if (!('session' in o)) {
          if (o.stopped) cut ??= o;
          return;
        }
        try {
          const mail = await o.session.command('MAIL FROM:<probe@harvest.example>');
          if (mail.code >= 400) {
            cut ??= { stage: 'mail', reply: replyText(mail), code: mail.code, stopped: true };
            return;
          }
          while (next < names.length && !cut) {
            const r = await o.session.command(`RCPT TO:<${names[next++]}>`);
            if (r.code === 421) cut ??= { stage: 'rcpt', reply: replyText(r), code: r.code, stopped: true };
            else if (r.code >= 500) unknown++;
            if (o.session.closedReason) break;
          }
        } catch (err) {
          const f = failure(err, 'rcpt');
          if (f.stopped) cut ??= f;
        } finally {
          await o.session.quit();
        }
      }
    };
    await Promise.all(Array.from({ length: ctx.harvest.concurrency }, worker));
    const tried = `${Math.min(next, names.length)} of ${names.length} recipients tried, ${unknown} refused as unknown`;
    const c = cut as AttackObservation | null;
    if (c) return { ...c, note: tried };
    return { stage: 'rcpt', reply: `(no disconnect: every recipient answered)`, code: null, stopped: false, note: tried };
  },
});
