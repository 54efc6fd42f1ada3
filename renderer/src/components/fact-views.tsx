// What the probe learnt, per host: EHLO before and after TLS, the certificate, the DNSBL
// answers, the SPF include tree (domain), the harvest timing.
import { useState } from 'react';
import type { Assessment, EhloFacts, HostFacts } from '../../../shared/assessment.js';
import { visible } from '../../../shared/visible-text.js';
import { HarvestChart, type HarvestSample } from './harvest-chart.js';
import { SpfTree, type SpfNodeView } from './spf-tree.js';

const views = ['EHLO', 'Certificate', 'DNSBL', 'SPF', 'Harvest'] as const;
type View = (typeof views)[number];

export function FactViews({ assessment }: { assessment: Assessment }) {
  const [view, setView] = useState<View>('EHLO');
  const [hostIndex, setHostIndex] = useState(0);
  const host = assessment.hosts[hostIndex];
  const facts: HostFacts = host?.facts ?? {};
  return (
    <section className="panel" aria-labelledby="facts-title">
      <div className="panel-head">
        <h2 id="facts-title">Facts</h2>
        {assessment.hosts.length > 1 ? (
          <select aria-label="Host" value={hostIndex} onChange={(e) => setHostIndex(Number(e.target.value))}>
            {assessment.hosts.map((h, i) => (
              <option key={i} value={i}>
                {h.host}:{h.port} {h.addresses[0] ? `(${h.addresses[0]})` : ''}
              </option>
            ))}
          </select>
        ) : null}
      </div>
      <div role="tablist" aria-label="Fact views" className="subtabs">
        {views.map((v) => (
          <button key={v} type="button" role="tab" aria-selected={view === v} className="tab" onClick={() => setView(v)}>
            {v}
          </button>
        ))}
      </div>
      <div role="tabpanel" aria-label={view}>
        {view === 'EHLO' && <EhloView banner={facts.banner ?? null} before={facts.ehlo ?? null} after={facts.ehloAfterTls ?? null} />}
        {view === 'Certificate' && <CertificateView facts={facts} />}
        {view === 'DNSBL' && <DnsblView facts={facts} />}
        {view === 'SPF' && <SpfView domainFacts={assessment.domainFacts} />}
        {view === 'Harvest' && <HarvestView assessment={assessment} facts={facts} />}
      </div>
    </section>
  );
}

function EhloView({ banner, before, after }: { banner: string | null; before: EhloFacts | null; after: EhloFacts | null }) {
  if (!before && !banner) return <p className="muted">The ehlo check did not run on this host.</p>;
  const list = (e: EhloFacts | null) =>
    e ? (
      <ul className="mono">
        {e.extensions.map((x, i) => (
          <li key={i}>{visible(x, 300)}</li>
        ))}
      </ul>
    ) : (
      <p className="muted">not available</p>
    );
  return (
    <>
      <p>
        Banner: <code className="banner-text">{banner === null ? '-' : visible(banner, 1000)}</code>
      </p>
      <div className="grid2">
        <div>
          <h3>Before STARTTLS</h3>
          {list(before)}
        </div>
        <div>
          <h3>After STARTTLS</h3>
          {list(after)}
        </div>
      </div>
    </>
  );
}

function CertificateView({ facts }: { facts: HostFacts }) {
  const tls = facts.tls;
  const cert = tls?.certificate;
  if (!tls || !cert) return <p className="muted">{tls?.error ? `No certificate: ${visible(String(tls.error), 500)}` : 'The starttls check did not get a certificate from this host.'}</p>;
  return (
    <>
      <dl className="facts">
        <dt>Subject</dt>
        <dd>{visible(cert.subject, 500)}</dd>
        <dt>Issuer</dt>
        <dd>{visible(cert.issuer, 500)}</dd>
        <dt>Names</dt>
        <dd>{cert.sans.map((s) => visible(s, 200)).join(', ') || '-'}</dd>
        <dt>Valid</dt>
        <dd>
          {cert.notBefore} to {cert.notAfter}
        </dd>
        <dt>Key</dt>
        <dd>
          {cert.keyType} {cert.keyBits ?? ''}
        </dd>
        <dt>Signature</dt>
        <dd>{cert.signatureAlgorithm}</dd>
        <dt>SHA-256</dt>
        <dd className="mono small">{cert.sha256}</dd>
        <dt>Trusted</dt>
        <dd>{tls.trusted === null || tls.trusted === undefined ? '-' : tls.trusted ? 'yes' : 'no'}</dd>
        <dt>Name matches</dt>
        <dd>{tls.hostnameMatch === null || tls.hostnameMatch === undefined ? '-' : tls.hostnameMatch ? 'yes' : 'no'}</dd>
        <dt>Protocol</dt>
        <dd>
          {tls.protocol ?? '-'} {tls.cipher ?? ''}
        </dd>
      </dl>
      {tls.chain?.length ? (
        <>
          <h3>Chain sent</h3>
          <ol>
            {tls.chain.map((c, i) => (
              <li key={i}>
                {visible(c.subject, 300)} <span className="muted">issued by {visible(c.issuer, 300)}</span>
              </li>
            ))}
          </ol>
        </>
      ) : null}
    </>
  );
}

function DnsblView({ facts }: { facts: HostFacts }) {
  if (!facts.rbl?.length) return <p className="muted">The dnsbl check did not run on this host, or asked no list.</p>;
  return (
    <table className="table compact" aria-label="DNSBL answers">
      <thead>
        <tr>
          <th>List</th>
          <th>Address</th>
          <th>Status</th>
          <th>Codes</th>
          <th>Meaning</th>
        </tr>
      </thead>
      <tbody>
        {facts.rbl.map((r, i) => (
          <tr key={i}>
            <td>{r.zone}</td>
            <td>{r.address}</td>
            <td>
              <span className={`status status-${r.status === 'listed' ? 'fail' : r.status === 'clean' ? 'pass' : 'warn'}`}>{r.status}</span>
            </td>
            <td className="mono">{r.codes.join(', ')}</td>
            <td>{visible(r.meaning ?? r.txt ?? '', 300)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function SpfView({ domainFacts }: { domainFacts: Record<string, unknown> }) {
  const spf = domainFacts.spf as { record: string | null; lookups: number; voidLookups: number; tree: SpfNodeView; errors: string[]; resultForOutsideIp: string; testIp: string } | undefined;
  if (!spf) return <p className="muted">The spf check did not run (it needs a mail domain).</p>;
  return (
    <>
      <p>
        <span className="mono">{visible(spf.record ?? '(no single record)', 1000)}</span>
      </p>
      <p>
        {spf.lookups} DNS lookups (limit 10), {spf.voidLookups} void (limit 2); an outside address ({spf.testIp}) gets <strong>{spf.resultForOutsideIp}</strong>.
      </p>
      {spf.errors.length ? (
        <ul className="error-list">
          {spf.errors.map((e, i) => (
            <li key={i}>{visible(e, 500)}</li>
          ))}
        </ul>
      ) : null}
      <SpfTree node={spf.tree} />
    </>
  );
}

function HarvestView({ assessment, facts }: { assessment: Assessment; facts: HostFacts }) {
  const h = facts.harvest;
  const samples = assessment.findings.find((f) => f.checkId === 'harvest' && Array.isArray((f.evidence as { samples?: unknown }).samples))?.evidence.samples as HarvestSample[] | undefined;
  if (!h) return <p className="muted">The harvest check did not run on this host (it is an active check).</p>;
  const bars: HarvestSample[] = samples ?? [
    ...(h.unknownMedianMs !== null ? [{ conn: 0, kind: 'unknown', ms: Math.round(h.unknownMedianMs), code: 550 }] : []),
    ...(h.validMedianMs !== null ? [{ conn: 0, kind: 'valid', ms: Math.round(h.validMedianMs), code: 250 }] : []),
  ];
  return (
    <>
      <dl className="facts">
        <dt>Recipients timed</dt>
        <dd>
          {h.samples} over {h.connections} connection(s)
        </dd>
        <dt>Unknown recipient reply</dt>
        <dd>{h.unknownMedianMs === null ? '-' : `${Math.round(h.unknownMedianMs)} ms median`}</dd>
        <dt>Defence</dt>
        <dd>
          {h.defence.delayed ? `delay after ${h.defence.delayAfter ?? 0}` : 'no delay'}
          {h.defence.perIp ? ', follows the client IP' : ''}
          {h.defence.tempfailAfter !== null ? `, 4xx after ${h.defence.tempfailAfter}` : ''}
          {h.defence.disconnectAfter !== null ? `, disconnect after ${h.defence.disconnectAfter}` : ''}
        </dd>
        <dt>All 4-character aliases</dt>
        <dd>{h.enumerate4CharSeconds === null ? '-' : duration(h.enumerate4CharSeconds)}</dd>
      </dl>
      {bars.length ? <HarvestChart samples={bars} /> : null}
    </>
  );
}

function duration(s: number): string {
  if (s < 120) return `${Math.round(s)} s`;
  if (s < 7200) return `${Math.round(s / 60)} min`;
  if (s < 172800) return `${Math.round(s / 3600)} h`;
  return `${Math.round(s / 86400)} days`;
}
