import { LAB_ADDRESSES } from '../gateway/lab-zones.js';
import { defineAttack } from './define-attack.js';
import { failure, open } from './session.js';

export default defineAttack({
  id: 'oversize-size',
  title: 'Announced oversize message (MAIL SIZE= above the limit)',
  expected: { layer: 'listener', stage: 'mail', replyClass: '5xx', why: 'SIZE= above the advertised maximum is refused at MAIL (RFC 1870)' },
  source: LAB_ADDRESSES.friend,
  async run(ctx) {
    const o = await open(ctx, LAB_ADDRESSES.friend);
    if (!('session' in o)) return o;
    try {
      const limit = o.ehlo.facts.size;
      const announced = limit ? limit + 1 : 2 ** 31;
      const r = await o.session.command(`MAIL FROM:<sender@friend.test> SIZE=${announced}`);
      return { stage: 'mail', reply: r.lines.map((l) => `${r.code} ${l}`).join(' | '), code: r.code, stopped: r.code >= 400, note: `SIZE=${announced}${limit ? ` (limit ${limit})` : ' (no SIZE limit advertised)'}` };
    } catch (err) {
      return failure(err, 'mail');
    } finally {
      await o.session.quit();
    }
  },
});
