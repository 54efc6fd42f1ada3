import { LAB_ADDRESSES } from '../gateway/lab-zones.js';
import { defineAttack } from './define-attack.js';
import { message, transaction } from './session.js';

export default defineAttack({
  id: 'spoofed-own-domain',
  title: 'Our own domain as sender, from outside',
  expected: { layer: 'sender-auth', stage: 'rcpt', replyClass: '5xx', why: 'SPF of our domain fails for an outside address' },
  source: LAB_ADDRESSES.spoofer,
  run: (ctx) => {
    const from = `ceo@${ctx.domain}`;
    return transaction(ctx, { source: LAB_ADDRESSES.spoofer, from, rcpts: [ctx.rcpt], message: message({ from, to: ctx.rcpt, subject: 'Urgent wire transfer', body: 'Please pay the attached invoice today.\r\n' }) });
  },
});
