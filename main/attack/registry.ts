// Every attack of the suite, in the order they run. Listed explicitly.
import type { AttackDefinition } from './define-attack.js';
import earlyTalker from './early-talker.js';
import authInClear from './auth-in-clear.js';
import dnsblListedSource from './dnsbl-listed-source.js';
import spoofedOwnDomain from './spoofed-own-domain.js';
import blankSender from './blank-sender.js';
import relayAttempt from './relay-attempt.js';
import restrictedGroup from './restricted-group.js';
import oversizeSize from './oversize-size.js';
import gtube from './gtube.js';
import eicarInline from './eicar-inline.js';
import eicarZipped from './eicar-zipped.js';
import exeAttachment from './exe-attachment.js';
import scrAttachment from './scr-attachment.js';
import doubleExtension from './double-extension.js';
import oversizeBody from './oversize-body.js';
import harvestBurst from './harvest-burst.js';

export const attackRegistry: readonly AttackDefinition[] = [
  earlyTalker,
  authInClear,
  dnsblListedSource,
  spoofedOwnDomain,
  blankSender,
  relayAttempt,
  restrictedGroup,
  oversizeSize,
  gtube,
  eicarInline,
  eicarZipped,
  exeAttachment,
  scrAttachment,
  doubleExtension,
  oversizeBody,
  // Last: its per-address counters must not affect the others.
  harvestBurst,
];
