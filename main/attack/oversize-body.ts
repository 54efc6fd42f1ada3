import { LAB_ADDRESSES } from '../gateway/lab-zones.js';
import { defineAttack } from './define-attack.js';
import { failure, message, open } from './session.js';

/** Sent when the server advertises no limit: big enough to matter, small enough for a test. */
const UNADVERTISED = 64 * 1024 * 1024;

export default defineAttack({
  id: 'oversize-body',
  title: 'Oversize body without SIZE= (the limit enforced at end of DATA)',
  expected: { layer: 'listener', stage: 'data', replyClass: '5xx', why: 'a message over the maximum is refused even when not announced' },
  source: LAB_ADDRESSES.friend,
  async run(ctx) {
    const o = await open(ctx, LAB_ADDRESSES.friend);
    if (!('session' in o)) return o;
    const { session } = o;
    let stage: 'mail' | 'rcpt' | 'data' = 'mail';
    try {
      const limit = o.ehlo.facts.size || UNADVERTISED;
      const mail = await session.command('MAIL FROM:<sender@friend.test>');
      if (mail.code >= 400) return { stage, reply: `${mail.code} ${mail.lines.join(' ')}`, code: mail.code, stopped: true };
      stage = 'rcpt';
      const rcpt = await session.command(`RCPT TO:<${ctx.rcpt}>`);
      if (rcpt.code >= 400) return { stage, reply: `${rcpt.code} ${rcpt.lines.join(' ')}`, code: rcpt.code, stopped: true };
      stage = 'data';
      const line = `${'A'.repeat(76)}\r\n`;
      const body = line.repeat(Math.ceil((limit + 64 * 1024) / line.length));
      const r = await session.data(message({ from: 'sender@friend.test', to: ctx.rcpt, subject: 'Large', body }));
      return { stage, reply: `${r.code} ${r.lines.join(' ')}`, code: r.code, stopped: r.code >= 400, note: `${body.length} bytes of body, limit ${limit}` };
    } catch (err) {
      return failure(err, stage);
    } finally {
      await session.quit();
    }
  },
});
