import { LAB_ADDRESSES } from '../gateway/lab-zones.js';
import { defineAttack } from './define-attack.js';
import { transaction } from './session.js';

export default defineAttack({
  id: 'relay-attempt',
  title: 'Relay: outside sender to an outside recipient',
  expected: { layer: 'protocol-hygiene', stage: 'rcpt', replyClass: '5xx', why: 'no relaying for unauthenticated outside clients' },
  source: LAB_ADDRESSES.friend,
  run: (ctx) => transaction(ctx, { source: LAB_ADDRESSES.friend, from: 'sender@friend.test', rcpts: ['victim@example.com'] }),
});
