// Every gateway layer, in the default order of the hardened posture. Listed explicitly.
import type { LayerDefinition } from './define-layer.js';
import connectionFilter from './layers/connection-filter.js';
import senderRecipientFilter from './layers/sender-recipient-filter.js';
import recipientLookup from './layers/recipient-lookup.js';
import protocolHygiene from './layers/protocol-hygiene.js';
import restrictedGroups from './layers/restricted-groups.js';
import senderAuth from './layers/sender-auth.js';
import spamFilter from './layers/spam-filter.js';
import attachmentBlocking from './layers/attachment-blocking.js';
import antivirus from './layers/antivirus.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each layer has its own option and state types
export const layerRegistry: readonly LayerDefinition<any, any>[] = [
  connectionFilter,
  senderRecipientFilter,
  protocolHygiene,
  recipientLookup,
  restrictedGroups,
  senderAuth,
  spamFilter,
  attachmentBlocking,
  antivirus,
];
