import { describe, expect, it } from 'vitest';
import { cipherList, familyOf, locallyOfferable } from '../../../../main/tls/protocols/weak-ciphers.js';

describe('weak cipher families', () => {
  it.each([
    ['TLS_RSA_WITH_RC4_128_SHA', 'RC4'],
    ['RC4-MD5', 'RC4'],
    ['TLS_RSA_EXPORT_WITH_RC4_40_MD5', 'EXPORT'],
    ['EXP-RC4-MD5', 'EXPORT'],
    ['TLS_RSA_WITH_3DES_EDE_CBC_SHA', '3DES'],
    ['ECDHE-RSA-DES-CBC3-SHA', '3DES'],
    ['TLS_RSA_WITH_DES_CBC_SHA', 'DES'],
    ['DES-CBC-SHA', 'DES'],
    ['TLS_ECDHE_RSA_WITH_NULL_SHA', 'NULL'],
    ['NULL-SHA256', 'NULL'],
    ['AECDH-NULL-SHA', 'NULL'],
    ['TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384', null],
    ['ECDHE-ECDSA-AES128-SHA', null],
    ['TLS_AES_256_GCM_SHA384', null],
  ])('%s is %s', (cipher, family) => {
    expect(familyOf(cipher)).toBe(family);
  });

  it('knows what this OpenSSL can offer: NULL yes, EXPORT (removed in OpenSSL 1.1.0) no', () => {
    expect(locallyOfferable('NULL')).toBe(true);
    expect(locallyOfferable('EXPORT')).toBe(false);
  });

  it('offers NULL as eNULL, leaving anonymous suites out', () => {
    expect(cipherList(['RC4', 'NULL'])).toBe('RC4:eNULL');
  });
});
