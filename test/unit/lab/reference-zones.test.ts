// The lab's zones: valid zone data with everything the DNS checks read, and an SPF record that
// does not authorize the loopback address the probe itself connects from.
import { describe, expect, it } from 'vitest';
import { ZoneDataSchema } from '../../../main/dns/zone-data.js';
import { LAB_OUTBOUND, mtaStsPolicy, referenceZones } from '../../../main/lab/reference-zones.js';
import { parseStsPolicy } from '../../../main/dns/mta-sts/sts-policy.js';

describe('referenceZones', () => {
  const zones = referenceZones({ hostname: 'mx.lab.test', domain: 'lab.test', address: '127.0.0.1', smtpPort: 2525, spkiSha256: 'ab'.repeat(32), stsId: '20261203' });

  it('is valid zone data with MX, SPF, DMARC, MTA-STS, TLS-RPT, PTR and TLSA for the port', () => {
    expect(() => ZoneDataSchema.parse(zones)).not.toThrow();
    expect(zones['lab.test'].MX).toEqual([{ priority: 10, exchange: 'mx.lab.test' }]);
    expect(zones['lab.test'].TXT).toEqual([`v=spf1 ip4:${LAB_OUTBOUND} -all`]);
    expect(zones['_dmarc.lab.test'].TXT?.[0]).toMatch(/^v=DMARC1; p=reject/);
    expect(zones['_mta-sts.lab.test'].TXT).toEqual(['v=STSv1; id=20261203']);
    expect(zones['mta-sts.lab.test'].A).toEqual(['127.0.0.1']);
    expect(zones['_smtp._tls.lab.test'].TXT?.[0]).toMatch(/^v=TLSRPTv1; rua=mailto:/);
    expect(zones['1.0.0.127.in-addr.arpa'].PTR).toEqual(['mx.lab.test']);
    expect(zones['_2525._tcp.mx.lab.test'].TLSA).toEqual([{ usage: 3, selector: 1, matchingType: 1, data: 'ab'.repeat(32) }]);
  });

  it('has no TLSA record without a known certificate', () => {
    const z = referenceZones({ hostname: 'mx.lab.test', domain: 'lab.test', address: '127.0.0.1', smtpPort: 2525, stsId: '1' });
    expect(Object.keys(z).some((n) => n.startsWith('_2525._tcp'))).toBe(false);
  });

  it('serves an enforce policy for the MX host, valid and lasting weeks', () => {
    const p = parseStsPolicy(mtaStsPolicy('mx.lab.test'));
    expect(p).toMatchObject({ mode: 'enforce', mx: ['mx.lab.test'], errors: [] });
    expect(p.maxAge).toBeGreaterThanOrEqual(7 * 86_400);
  });
});
