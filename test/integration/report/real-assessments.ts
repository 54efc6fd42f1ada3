// Real assessments for the report tests and the report benchmark: the real engine against real
// Postfix instances on loopback and the lab DNS server. Nothing is hand-written.
//  - many findings: one Postfix that relays, offers AUTH before TLS, accepts any recipient,
//    answers VRFY and serves a self-signed certificate;
//  - a multi-MX domain: a sound primary and a weak backup on two loopback addresses, with an
//    SPF include tree, a DMARC policy of none, a block list that lists the backup, PTR records.
import { runProbe } from '../../../main/probe/engine.js';
import { createResolver } from '../../../main/net/resolver.js';
import { probeOptions } from '../../../main/probe/default-options.js';
import type { Assessment } from '../../../shared/assessment.js';
import { startPostfix, type PostfixInstance } from '../../support/postfix.js';
import { baseOptions } from '../../support/probe-postfix.js';
import { startLabDns, type LabDnsServer } from '../../support/lab-dns.js';

const strip = ({ unreachable: _u, ...a }: Assessment & { unreachable: string[] }): Assessment => a;

export async function manyFindingsAssessment(): Promise<Assessment> {
  const pf = await startPostfix({ recipients: null, auth: true, tls: 'may', main: { mynetworks: '127.0.0.0/8', disable_vrfy_command: 'no' } });
  try {
    return strip(
      await runProbe({
        targets: [{ host: pf.host, port: pf.port }],
        domain: pf.domain,
        checks: ['ehlo', 'open-relay', 'recipients', 'size-limit', 'starttls', 'tls-protocols'],
        options: baseOptions,
        resolver: createResolver(['127.0.0.1:1']), // an IP literal never needs DNS
      }),
    );
  } finally {
    await pf.stop();
  }
}

const PRIMARY = '127.0.0.31';
const BACKUP = '127.0.0.32';

export async function multiMxAssessment(): Promise<Assessment> {
  let primary: PostfixInstance | undefined;
  let backup: PostfixInstance | undefined;
  let dns: LabDnsServer | undefined;
  try {
    [primary, backup] = await Promise.all([
      startPostfix({ tls: 'may', address: PRIMARY, hostname: 'mx1.lab.test' }),
      startPostfix({ recipients: null, address: BACKUP, hostname: 'mx2.lab.test', main: { mynetworks: '127.0.0.0/8' } }),
    ]);
    dns = await startLabDns({
      'lab.test': {
        MX: [
          { priority: 10, exchange: 'mx1.lab.test' },
          { priority: 20, exchange: 'mx2.lab.test' },
        ],
        TXT: ['v=spf1 include:_spf.lab.test include:spf.partner.test ~all'],
      },
      '_spf.lab.test': { TXT: [`v=spf1 ip4:${PRIMARY} a:mx2.lab.test mx -all`] },
      'spf.partner.test': { TXT: ['v=spf1 a:gone.partner.test include:_spf2.partner.test -all'] },
      '_spf2.partner.test': { TXT: ['v=spf1 ip4:198.51.100.0/24 -all'] },
      '_dmarc.lab.test': { TXT: ['v=DMARC1; p=none'] },
      'mx1.lab.test': { A: [PRIMARY] },
      'mx2.lab.test': { A: [BACKUP] },
      '31.0.0.127.in-addr.arpa': { PTR: ['mx1.lab.test'] },
      '32.0.0.127.in-addr.arpa': { PTR: ['mx2.lab.test'] },
      '2.0.0.127.bl.lab.test': { A: ['127.0.0.2'] },
      '32.0.0.127.bl.lab.test': { A: ['127.0.0.2'], TXT: ['Listed: open relay seen at 127.0.0.32'] },
    });
    return strip(
      await runProbe({
        targets: [
          { host: 'mx1.lab.test', port: primary.port, address: PRIMARY },
          { host: 'mx2.lab.test', port: backup.port, address: BACKUP },
        ],
        domain: 'lab.test',
        checks: ['mx', 'spf', 'dmarc', 'tls-rpt', 'ehlo', 'open-relay', 'recipients', 'starttls', 'reverse-dns', 'dnsbl', 'mx-consistency'],
        options: probeOptions({ ...baseOptions, rblZones: ['bl.lab.test'], rblOnly: true }),
        resolver: createResolver([dns.server], 1000, 1),
      }),
    );
  } finally {
    await Promise.all([primary?.stop(), backup?.stop(), dns?.stop()]);
  }
}
