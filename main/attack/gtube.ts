import { LAB_ADDRESSES } from '../gateway/lab-zones.js';
import { GTUBE } from '../gateway/layers/spam-filter.js';
import { defineAttack } from './define-attack.js';
import { message, transaction } from './session.js';

export default defineAttack({
  id: 'gtube',
  title: 'GTUBE spam test string',
  expected: { layer: 'spam-filter', stage: 'data', replyClass: '5xx', why: 'GTUBE scores as certain spam' },
  source: LAB_ADDRESSES.friend,
  run: (ctx) => transaction(ctx, { source: LAB_ADDRESSES.friend, from: 'sender@friend.test', rcpts: [ctx.rcpt], message: message({ from: 'sender@friend.test', to: ctx.rcpt, subject: 'Test', body: `This is the GTUBE test.\r\n\r\n${GTUBE}\r\n` }) }),
});
