// Every check, listed explicitly (no discovery at run time). Order is the order of the report.
// test/unit/probe/registry.test.ts keeps this list, the files in checks/ and their tests in step.
import type { CheckDefinition } from './define-check.js';
import ehlo from './checks/ehlo.js';
import openRelay from './checks/open-relay.js';
import recipients from './checks/recipients.js';
import sizeLimit from './checks/size-limit.js';
import harvest from './checks/harvest.js';
import mx from './checks/mx.js';
import spf from './checks/spf.js';
import dmarc from './checks/dmarc.js';
import mtaSts from './checks/mta-sts.js';
import tlsRpt from './checks/tls-rpt.js';
import reverseDns from './checks/reverse-dns.js';
import dnsbl from './checks/dnsbl.js';
import submission from './checks/submission.js';
import starttls from './checks/starttls.js';
import tlsProtocols from './checks/tls-protocols.js';
import dane from './checks/dane.js';
import mxConsistency from './checks/mx-consistency.js';

export const registry: readonly CheckDefinition[] = [
  mx,
  spf,
  dmarc,
  mtaSts,
  tlsRpt,
  ehlo,
  openRelay,
  recipients,
  sizeLimit,
  harvest,
  submission,
  starttls,
  tlsProtocols,
  dane,
  reverseDns,
  dnsbl,
  mxConsistency,
] as CheckDefinition[];
