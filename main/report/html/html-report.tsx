// The HTML report: one self-contained file. React renders it, so every string is escaped;
// no script, no remote resource, and a CSP that allows only the inline stylesheet (by hash)
// and data: images (the logo).
import { createHash } from 'node:crypto';
import type { ReactNode } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import type { ReportModel } from '../report-model.js';
import type { FindingView } from '../finding-view.js';
import type { Logo } from '../logo.js';
import { htmlCss } from './html-styles.js';
import { SeverityChart } from './html-chart.js';

export function contentSecurityPolicy(css: string): string {
  const hash = createHash('sha256').update(css).digest('base64');
  return `default-src 'none'; style-src 'sha256-${hash}'; img-src data:; base-uri 'none'; form-action 'none'`;
}

function Table({ head, rows, className }: { head: string[]; rows: ReactNode[][]; className?: string }) {
  return (
    <table className={className}>
      <thead>
        <tr>{head.map((h) => <th key={h}>{h}</th>)}</tr>
      </thead>
      <tbody>
        {rows.map((r, i) => (
          <tr key={i}>{r.map((c, j) => <td key={j}>{c}</td>)}</tr>
        ))}
      </tbody>
    </table>
  );
}

const Badge = ({ severity }: { severity: string }) => <span className={`badge sev-${severity}`}>{severity}</span>;

function Finding({ f }: { f: FindingView }) {
  return (
    <article className="finding" id={f.anchor}>
      <h3>
        {f.ref} {f.title} <Badge severity={f.severity} />
      </h3>
      <div className="where">
        {f.place} · <code>{f.id}</code> · check {f.checkId}
      </div>
      <p>{f.description}</p>
      {f.excerpt.length > 0 && (
        <>
          <h4>Evidence: transcript</h4>
          <pre>{f.excerpt.join('\n')}</pre>
          {f.excerptNote && (
            <p className="note">
              {f.excerptNote} <a href={`#${f.transcriptRef}`}>Go to {f.transcriptRef}</a>
            </p>
          )}
        </>
      )}
      {f.certificate && (
        <>
          <h4>Evidence: certificate</h4>
          <Table head={['Field', 'Value']} rows={f.certificate} />
        </>
      )}
      {f.details.length > 0 && (
        <>
          <h4>Evidence: details</h4>
          <Table head={['Item', 'Value']} rows={f.details} />
        </>
      )}
      <h4>Remediation</h4>
      <p>{f.remediation}</p>
      {f.references.length > 0 && (
        <>
          <h4>References</h4>
          <ul>{f.references.map((r) => <li key={r}>{r}</li>)}</ul>
        </>
      )}
    </article>
  );
}

function Report({ m, logo }: { m: ReportModel; logo?: Logo }) {
  const a = m.appendices;
  return (
    <>
      <header className="cover">
        {logo && <img src={`data:${logo.mime};base64,${logo.data.toString('base64')}`} alt="logo" />}
        <h1>{m.title}</h1>
        <dl className="meta">
          {m.cover.engagement && (<><dt>Engagement</dt><dd>{m.cover.engagement}</dd></>)}
          {m.cover.client && (<><dt>Client</dt><dd>{m.cover.client}</dd></>)}
          <dt>Targets</dt>
          <dd>{m.cover.targets.join(', ')}</dd>
          {m.cover.domain && (<><dt>Mail domain</dt><dd>{m.cover.domain}</dd></>)}
          <dt>Date</dt>
          <dd>{m.cover.date}</dd>
          {m.cover.consultant && (<><dt>Consultant</dt><dd>{m.cover.consultant}</dd></>)}
          <dt>Tool</dt>
          <dd>{m.cover.toolVersion}</dd>
        </dl>
      </header>
      <nav>
        <h2>Contents</h2>
        <ol>
          <li><a href="#summary">Executive summary</a></li>
          <li><a href="#scope">Scope and authorization</a></li>
          <li><a href="#method">Method</a></li>
          <li><a href="#findings">Findings ({m.total})</a></li>
          {m.comparison && <li><a href="#comparison">Target vs reference</a></li>}
          {m.hostMatrix && <li><a href="#hosts">Hosts compared</a></li>}
          <li><a href="#appendices">Appendices</a></li>
        </ol>
      </nav>
      <section id="summary">
        <h2>Executive summary</h2>
        <p className="posture">{m.posture.headline}</p>
        <SeverityChart counts={m.counts} />
        <p>{m.total} findings: {m.counts.map((c) => `${c.count} ${c.severity}`).join(', ')}.</p>
        {m.topIssues.length > 0 && (
          <>
            <h3>Top issues</h3>
            <ul>
              {m.topIssues.map((t) => (
                <li key={t.refs[0]}>
                  <Badge severity={t.severity} /> {t.text} ({t.refs.join(', ')})
                </li>
              ))}
            </ul>
          </>
        )}
      </section>
      <section id="scope">
        <h2>Scope and authorization</h2>
        <p>{m.scope.statement}</p>
        <Table head={['Host', 'Addresses']} rows={m.scope.targets} />
      </section>
      <section id="method">
        <h2>Method</h2>
        <dl className="meta">{m.method.rows.map(([k, v]) => (<div key={k}><dt>{k}</dt><dd>{v}</dd></div>))}</dl>
        <h3>Checks run</h3>
        <Table head={['Check', 'Where', 'Status', 'Time', 'Reason']} rows={m.method.checks} />
      </section>
      <section id="findings">
        <h2>Findings</h2>
        {m.findings.length === 0 && <p>No findings.</p>}
        {m.findings.map((f) => <Finding key={f.anchor} f={f} />)}
      </section>
      {m.comparison && (
        <section id="comparison">
          <h2>Target vs reference</h2>
          <Table
            head={['Check', 'Fact', 'Target', 'Reference', 'Verdict', 'Findings / note']}
            rows={m.comparison.rows.map((r, i) => r.map((c, j) => (j === 4 ? <span className={`verdict-${m.comparison!.verdicts[i]}`}>{c}</span> : c)))}
          />
        </section>
      )}
      {m.hostMatrix && (
        <section id="hosts">
          <h2>Hosts compared</h2>
          <Table head={['', ...m.hostMatrix.columns]} rows={m.hostMatrix.rows.map((r) => [r.label, ...r.cells])} />
        </section>
      )}
      <section id="appendices">
        <h2>Appendices</h2>
        <h3>Transcripts</h3>
        {a.transcripts.length === 0 && <p>No transcripts.</p>}
        {a.transcripts.map((t) => (
          <div key={t.ref} id={t.ref}>
            <h4>{t.ref} {t.title} (cited by {t.findings.join(', ')})</h4>
            <pre>{t.lines.join('\n')}</pre>
          </div>
        ))}
        {a.certificates.length > 0 && <h3>Certificate chains</h3>}
        {a.certificates.map((c) => (
          <div key={c.host}>
            <h4>{c.host}</h4>
            {c.chain.map((cert) => (
              <div key={cert.position}>
                <p><strong>{cert.position}</strong></p>
                <Table head={['Field', 'Value']} rows={cert.rows} />
              </div>
            ))}
          </div>
        ))}
        {a.dnsbl.length > 0 && <h3>DNS block lists</h3>}
        {a.dnsbl.map((d) => (
          <div key={d.host}>
            <h4>{d.host}</h4>
            <Table head={['List', 'Address', 'Status', 'Codes', 'Meaning']} rows={d.rows} />
          </div>
        ))}
        {a.spf && (
          <>
            <h3>SPF include tree</h3>
            <p>{a.spf.domain}: {a.spf.lookups} DNS lookups, {a.spf.voidLookups} void lookups.</p>
            {a.spf.nodes.map((n, i) => (
              <div key={i} className="spf-node">
                {`${'    '.repeat(n.depth)}${n.depth ? '└ ' : ''}${n.domain} (${n.via}, ${n.lookups} lookups): ${n.record}${n.error ? `  [${n.error}]` : ''}`}
              </div>
            ))}
          </>
        )}
        {a.ehlo.length > 0 && <h3>EHLO before and after STARTTLS</h3>}
        {a.ehlo.map((e) => (
          <div key={e.host}>
            <h4>{e.host}</h4>
            {e.banner && <p>Greeting: <code>{e.banner}</code></p>}
            <Table head={['Extension', 'Before TLS', 'After TLS']} rows={e.rows} />
          </div>
        ))}
        {a.dns.length > 0 && (
          <>
            <h3>DNS records of the domain</h3>
            <Table head={['Fact', 'Value']} rows={a.dns} />
          </>
        )}
      </section>
      <footer>
        <p className="note">Generated {m.cover.generatedAt} by {m.cover.toolVersion}. Text received from servers is shown verbatim, with control characters made visible and long lines cut.</p>
      </footer>
    </>
  );
}

export function htmlReport(m: ReportModel, logo?: Logo): string {
  const body = renderToStaticMarkup(<Report m={m} logo={logo} />);
  const title = renderToStaticMarkup(<title>{`${m.title}${m.cover.engagement ? ` - ${m.cover.engagement}` : ''}`}</title>);
  const csp = renderToStaticMarkup(<meta httpEquiv="Content-Security-Policy" content={contentSecurityPolicy(htmlCss)} />);
  return `<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">${csp}<meta name="referrer" content="no-referrer"><meta name="viewport" content="width=device-width, initial-scale=1">${title}<style>${htmlCss}</style></head><body>${body}</body></html>\n`;
}
