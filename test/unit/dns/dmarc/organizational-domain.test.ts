import { describe, expect, it } from 'vitest';
import { organizationalDomain } from '../../../../main/dns/dmarc/organizational-domain.js';

describe('organizationalDomain (public suffix + one label)', () => {
  it.each([
    ['mail.example.com', 'example.com'],
    ['example.com', 'example.com'],
    ['a.b.example.co.uk', 'example.co.uk'],
    ['MAIL.Example.COM.', 'example.com'],
    // A private suffix: each github.io site has its own owner.
    ['www.someone.github.io', 'someone.github.io'],
    // Names under an unlisted TLD (the lab's .test) take the last label as the suffix.
    ['mail.x.test', 'x.test'],
  ])('%s -> %s', async (name, org) => {
    expect(await organizationalDomain(name)).toBe(org);
  });

  it('is null for a public suffix itself', async () => {
    expect(await organizationalDomain('co.uk')).toBeNull();
  });
});
