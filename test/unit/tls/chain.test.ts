// Chain verification on real chains: trust is decided by signatures up to an anchor, never by dates.
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { verifyChain } from '../../../main/tls/chain.js';
import { pemCertificates, trustAnchors } from '../../../main/tls/trust-store.js';
import { testPki, type CertKind, type TestPki } from '../../support/test-pki.js';

let pki: TestPki;
let anchors: X509Certificate[];
beforeAll(async () => {
  pki = await testPki();
  anchors = trustAnchors(pki.rootPem);
});

/** The certificates a server configured with these files sends. */
const served = (kind: CertKind) => {
  const { cert, chain } = pki.certs[kind];
  return pemCertificates(readFileSync(cert, 'utf8') + (chain ? readFileSync(chain, 'utf8') : ''));
};
const root = () => new X509Certificate(pki.rootPem);

describe('verifyChain', () => {
  it('leaf and intermediate up to the --ca root: trusted, with or without the root in the chain', () => {
    expect(verifyChain(served('valid'), anchors)).toEqual({ trusted: true, incomplete: false, missingIssuer: null, anchor: 'O=mxaudit lab, CN=mxaudit Lab Root CA' });
    expect(verifyChain([...served('valid'), root()], anchors).trusted).toBe(true);
  });

  it('the same chain without --ca: untrusted (system roots only), and complete with or without the root', () => {
    expect(verifyChain([...served('valid'), root()], trustAnchors(null))).toMatchObject({ trusted: false, incomplete: false });
    // An intermediate of unknown issuer: the unknown root was left out, as it should be.
    expect(verifyChain(served('valid'), trustAnchors(null))).toMatchObject({ trusted: false, incomplete: false });
  });

  it('an expired leaf is still trusted: dates are judged separately', () => {
    expect(verifyChain(served('expired'), anchors).trusted).toBe(true);
  });

  it('leaf without its intermediate: incomplete, naming the missing issuer', () => {
    expect(verifyChain(served('missing-intermediate'), anchors)).toEqual({
      trusted: false,
      incomplete: true,
      missingIssuer: 'O=mxaudit lab, CN=mxaudit Lab Intermediate CA',
      anchor: null,
    });
  });

  it('a chain up to an unknown root: untrusted but complete', () => {
    expect(verifyChain(served('untrusted-root'), anchors)).toMatchObject({ trusted: false, incomplete: false });
  });

  it('self-signed: untrusted, unless the user trusts it with --ca', () => {
    const [self] = served('self-signed');
    expect(verifyChain([self], anchors)).toMatchObject({ trusted: false, incomplete: false });
    expect(verifyChain([self], trustAnchors(self.toString())).trusted).toBe(true);
  });

  it('a link whose signature does not verify breaks the chain, whatever follows', () => {
    const [leaf] = served('valid');
    const [, otherRoot] = served('untrusted-root');
    expect(verifyChain([leaf, otherRoot, root()], anchors)).toMatchObject({ trusted: false, incomplete: false });
  });
});
