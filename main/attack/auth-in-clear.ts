import { replyText } from '../net/smtp-reply.js';
import { defineAttack } from './define-attack.js';
import { failure, open } from './session.js';

export default defineAttack({
  id: 'auth-in-clear',
  title: 'AUTH PLAIN without TLS on the MX port',
  expected: { layer: 'listener', stage: 'auth', replyClass: '5xx', why: 'no AUTH on port 25 (no password guessing), never in clear text' },
  async run(ctx) {
    const o = await open(ctx, undefined);
    if (!('session' in o)) return o;
    try {
      const offered = o.ehlo.facts.extensions.some((e) => /^AUTH\b/i.test(e));
      // Made-up credentials: the question is whether the server takes them in clear at all.
      const r = await o.session.command(`AUTH PLAIN ${Buffer.from('\0mxaudit-attack\0not-a-password').toString('base64')}`);
      return { stage: 'auth', reply: replyText(r), code: r.code, stopped: r.code >= 500 && r.code !== 535, note: `AUTH ${offered ? 'offered' : 'not offered'} in EHLO${r.code === 535 ? '; 535 means the credentials were checked in clear' : ''}` };
    } catch (err) {
      return failure(err, 'auth');
    } finally {
      await o.session.quit();
    }
  },
});
