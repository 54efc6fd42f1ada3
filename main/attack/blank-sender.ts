import { LAB_ADDRESSES } from '../gateway/lab-zones.js';
import { defineAttack } from './define-attack.js';
import { message, transaction } from './session.js';

export default defineAttack({
  id: 'blank-sender',
  title: 'Blank (null) sender',
  expected: { layer: 'sender-recipient-filter', stage: 'data', replyClass: '2xx', why: 'accepted by design: bounces use the null sender (RFC 5321 4.5.5); refusing it is an emergency setting' },
  source: LAB_ADDRESSES.friend,
  run: (ctx) => transaction(ctx, { source: LAB_ADDRESSES.friend, from: '', rcpts: [ctx.rcpt], message: message({ from: `mailer-daemon@${'friend.test'}`, to: ctx.rcpt, subject: 'Undelivered Mail Returned to Sender', body: 'This is the mail system: your message could not be delivered.\r\n' }) }),
});
