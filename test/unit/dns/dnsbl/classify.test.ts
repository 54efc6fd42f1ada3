// Answers: an error code is never a listing, and a zone is believed only after its self-test.
import { describe, expect, it } from 'vitest';
import { classifyCodes, classifyError, verdict, type Answer } from '../../../../main/dns/dnsbl/classify.js';
import { TEST_POINTS } from '../../../../main/dns/dnsbl/address.js';
import { describeZone } from '../../../../main/dns/dnsbl/zones.js';

const zen = describeZone('zen.spamhaus.org');
const unknown = describeZone('bl.lab.test');
const err = (code: string) => Object.assign(new Error(`query failed ${code}`), { code });

describe('classifyCodes', () => {
  it('a listing carries its codes', () => {
    expect(classifyCodes(zen, ['127.0.0.4', '127.0.0.10'])).toEqual({ kind: 'listed', codes: ['127.0.0.4', '127.0.0.10'] });
  });

  it.each(['127.255.255.252', '127.255.255.254', '127.255.255.255', '127.0.1.255'])('Spamhaus %s is a refusal, never a listing', (code) => {
    expect(classifyCodes(zen, [code])).toMatchObject({ kind: 'refused', codes: [code] });
  });

  it('an error code wins over listing codes in the same answer', () => {
    expect(classifyCodes(zen, ['127.0.0.2', '127.255.255.254'])).toMatchObject({ kind: 'refused', meaning: '127.255.255.254: query refused: it came through a public or open resolver' });
  });

  it('the Spamhaus error codes hold for any zone; 127.0.0.255 only where the provider means an error', () => {
    expect(classifyCodes(unknown, ['127.255.255.254']).kind).toBe('refused');
    expect(classifyCodes(describeZone('list.dnswl.org'), ['127.0.0.255']).kind).toBe('refused');
    // DroneBL uses .255 for "uncategorized threat": a real listing.
    expect(classifyCodes(describeZone('dnsbl.dronebl.org'), ['127.0.0.255']).kind).toBe('listed');
  });

  it('an address outside 127/8 is no DNSBL answer (NXDOMAIN rewriting, parked domain)', () => {
    expect(classifyCodes(unknown, ['198.51.100.7'])).toMatchObject({ kind: 'broken', reason: expect.stringMatching(/outside 127\.0\.0\.0\/8/) });
  });
});

describe('classifyError', () => {
  it('NXDOMAIN and no data are "not listed"; timeouts, REFUSED and SERVFAIL are not', () => {
    expect(classifyError(err('ENOTFOUND'))).toEqual({ kind: 'clean' });
    expect(classifyError(err('ENODATA'))).toEqual({ kind: 'clean' });
    expect(classifyError(err('ETIMEOUT'))).toEqual({ kind: 'timeout' });
    expect(classifyError(err('EREFUSED'))).toMatchObject({ kind: 'refused' });
    expect(classifyError(err('ESERVFAIL'))).toMatchObject({ kind: 'broken', reason: expect.stringMatching(/SERVFAIL/) });
    expect(classifyError(err('ECONNREFUSED'))).toMatchObject({ kind: 'broken', reason: 'ECONNREFUSED' });
  });
});

describe('verdict', () => {
  const listed = (...codes: string[]): Answer => ({ kind: 'listed', codes });
  const clean: Answer = { kind: 'clean' };
  const points = TEST_POINTS.ipv4;
  const judge = (listedPoint: Answer, unlistedPoint: Answer, target: Answer) => verdict(zen, { listedPoint, unlistedPoint, target, points });

  it('a zone that passes its self-test is believed, with the meaning of each code', () => {
    expect(judge(listed('127.0.0.2'), clean, listed('127.0.0.4', '127.0.0.11'))).toEqual({
      status: 'listed',
      codes: ['127.0.0.4', '127.0.0.11'],
      meaning: `127.0.0.4: ${zen.codes['127.0.0.4']}; 127.0.0.11: ${zen.codes['127.0.0.11']}`,
    });
    expect(judge(listed('127.0.0.2'), clean, clean)).toEqual({ status: 'clean', codes: [], meaning: null });
  });

  it('a zone that does not list 127.0.0.2, or lists 127.0.0.1, is unreliable whatever it says of the target', () => {
    expect(judge(clean, clean, listed('127.0.0.2'))).toMatchObject({ status: 'unreliable', meaning: expect.stringMatching(/127\.0\.0\.2 is not listed/) });
    expect(judge(listed('127.0.0.2'), listed('127.0.0.2'), listed('127.0.0.2'))).toMatchObject({ status: 'unreliable', meaning: expect.stringMatching(/127\.0\.0\.1 is listed/) });
  });

  it('a refusal anywhere makes the zone refused; then a timeout; then broken answers', () => {
    const refused = classifyCodes(zen, ['127.255.255.254']);
    expect(judge(refused, refused, refused)).toMatchObject({ status: 'refused', codes: ['127.255.255.254'] });
    expect(judge(listed('127.0.0.2'), { kind: 'timeout' }, refused).status).toBe('refused');
    expect(judge(listed('127.0.0.2'), clean, { kind: 'timeout' }).status).toBe('timeout');
    expect(judge(classifyError(err('ESERVFAIL')), clean, clean)).toMatchObject({ status: 'unreliable', meaning: expect.stringMatching(/SERVFAIL/) });
  });

  it('meanings of codes a list does not document still say "listed"', () => {
    expect(verdict(unknown, { listedPoint: listed('127.0.0.2'), unlistedPoint: clean, target: listed('127.0.0.3'), points })).toMatchObject({
      status: 'listed',
      meaning: '127.0.0.3: listed (code not documented for this list)',
    });
  });
});
