import { describe, expect, it } from 'vitest';
import { STS_VERSION, parseStsRecord } from '../../../../main/dns/mta-sts/sts-record.js';
import { selectRecord } from '../../../../main/dns/tag-list.js';

describe('MTA-STS TXT record (RFC 8461 section 3.1)', () => {
  it('reads the policy id and ignores extension fields', () => {
    expect(parseStsRecord('v=STSv1; id=20240101T000000; ext=1;')).toEqual({ id: '20240101T000000', errors: [] });
  });

  it('requires an id of 1 to 32 letters and digits', () => {
    expect(parseStsRecord('v=STSv1').errors).toEqual(['id= is missing (it is required)']);
    expect(parseStsRecord('v=STSv1; id=2024-01-01').errors).toEqual(['id=2024-01-01 is not 1 to 32 letters and digits']);
    expect(parseStsRecord(`v=STSv1; id=${'a'.repeat(33)}`).id).toBeNull();
  });

  it('field names are case-sensitive', () => {
    expect(parseStsRecord('v=STSv1; ID=1').errors).toEqual(['id= is missing (it is required)']);
  });

  it('is selected only when it begins with v=STSv1, exactly once', () => {
    const select = (records: string[]) => selectRecord(records, STS_VERSION, '_mta-sts.x.test');
    expect(select(['v=spf1 -all', 'v=STSv1; id=1']).record).toBe('v=STSv1; id=1');
    expect(select(['id=1; v=STSv1']).errors).toEqual(['"id=1; v=STSv1" at _mta-sts.x.test does not begin with v=STSv1, so it is discarded']);
    expect(select(['v=STSv1; id=1', 'v=STSv1; id=2'])).toMatchObject({ record: null, ambiguous: true });
  });
});
