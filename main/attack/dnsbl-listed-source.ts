import { LAB_ADDRESSES } from '../gateway/lab-zones.js';
import { defineAttack } from './define-attack.js';
import { transaction } from './session.js';

export default defineAttack({
  id: 'dnsbl-listed-source',
  title: 'Mail from a block-listed address (XCLIENT)',
  expected: { layer: 'connection-filter', stage: 'rcpt', replyClass: '5xx', why: 'the source is on the block list' },
  source: LAB_ADDRESSES.listed,
  needsXclient: true,
  run: (ctx) => transaction(ctx, { source: LAB_ADDRESSES.listed, from: 'sender@friend.test', rcpts: [ctx.rcpt] }),
});
