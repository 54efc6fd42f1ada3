import { LAB_ADDRESSES } from '../gateway/lab-zones.js';
import { defineAttack } from './define-attack.js';
import { transaction } from './session.js';

export default defineAttack({
  id: 'restricted-group',
  title: 'Restricted distribution group from outside',
  expected: { layer: 'restricted-groups', stage: 'rcpt', replyClass: '5xx', why: 'only internal or authenticated senders may write to the group' },
  source: LAB_ADDRESSES.friend,
  run: (ctx) => transaction(ctx, { source: LAB_ADDRESSES.friend, from: 'sender@friend.test', rcpts: [ctx.group] }),
});
