import { describe, expect, it } from 'vitest';
import { productDisclosure } from '../../../main/probe/banner-disclosure.js';

describe('productDisclosure', () => {
  it.each([
    ['220 mx.example.com ESMTP Postfix (Debian/GNU)', ['Postfix']],
    ['220 mail.example.com ESMTP Sendmail 8.15.2/8.15.2; Thu, 3 Dec 2026 14:00:00 +0000', ['Sendmail', 'version 8.15.2']],
    ['220 mx ESMTP Exim 4.96 Thu, 03 Dec 2026', ['Exim']],
    ['220 EX01.corp.example Microsoft ESMTP MAIL Service ready at Thu, 3 Dec 2026', ['Microsoft ESMTP MAIL Service']],
    ['250 mail.example.com Hello [192.0.2.10], Version: 15.1.2507.6', ['version 15.1.2507.6']],
  ])('%s', (banner, expected) => expect(productDisclosure(banner)).toEqual(expected));

  it('a neutral banner with an address literal and a time discloses nothing', () => {
    expect(productDisclosure('220 mx.example.com ESMTP ready [192.0.2.10] 14:00:00')).toEqual([]);
  });
});
