// Appendices: full transcripts, certificate chains, DNSBL answers, SPF include tree, EHLO
// before/after TLS, the domain's DNS facts. Transcripts come in runs of 20 per sheet group,
// each with its bookmark, so the outline stays short enough to browse.
import { Text, View } from '@react-pdf/renderer';
import type { ReactNode } from 'react';
import type { Appendices } from '../appendix-model.js';
import { PdfGrid } from './pdf-grid.js';
import { PdfLabel } from './pdf-label.js';
import { styles } from './pdf-styles.js';
import { PdfPre } from './pdf-pre.js';
import { Section } from './pdf-section.js';

const TRANSCRIPTS_PER_PAGE = 20;
/**
 * Transcript lines printed in the PDF, per transcript and in all: every line costs layout time
 * (about half a millisecond) and a client reads the evidence, not hundreds of pages of SMTP.
 * The HTML and JSON reports always carry every transcript in full.
 */
export const PDF_LINES_PER_TRANSCRIPT = 120;
export const PDF_TRANSCRIPT_BUDGET = 1500;

/** Cuts the transcripts to the PDF's budget, each cut saying where the rest is. */
export function pdfTranscripts(all: Appendices['transcripts']): Appendices['transcripts'] {
  let left = PDF_TRANSCRIPT_BUDGET;
  return all.map((t) => {
    const keep = Math.max(0, Math.min(t.lines.length, PDF_LINES_PER_TRANSCRIPT, left));
    left -= keep;
    if (keep === t.lines.length) return t;
    const rest = `[${t.lines.length - keep} more lines of this transcript are in the HTML and JSON reports]`;
    return { ...t, lines: [...t.lines.slice(0, keep), rest] };
  });
}

type PageOf = (bookmark: string, children: ReactNode) => ReactNode;

export function PdfAppendices({ a, page }: { a: Appendices; page: PageOf }) {
  const transcripts = pdfTranscripts(a.transcripts);
  const runs: Appendices['transcripts'][] = [];
  for (let i = 0; i < transcripts.length; i += TRANSCRIPTS_PER_PAGE) runs.push(transcripts.slice(i, i + TRANSCRIPTS_PER_PAGE));
  const span = (run: Appendices['transcripts']) => (run.length > 1 ? `${run[0].ref} to ${run[run.length - 1].ref}` : run[0].ref);
  return (
    <>
      {runs.length === 0 &&
        page(
          'Appendix: transcripts',
          <View>
            <Text style={styles.h2}>Appendices</Text>
            <Text>No transcripts.</Text>
          </View>,
        )}
      {runs.map((run, i) =>
        page(
          `Appendix: transcripts ${span(run)}`,
          <View>
            {i === 0 && <Text style={styles.h2}>Appendices</Text>}
            {i === 0 && <Text style={styles.h3}>Transcripts</Text>}
            {run.map((t) => (
              <Section key={t.ref} id={t.ref} bookmark={`${t.ref} ${t.title}`}>
                <Text style={styles.h4} minPresenceAhead={56}>{`${t.ref}  ${t.title} (cited by ${t.findings.join(', ')})`}</Text>
                <PdfPre lines={t.lines} />
              </Section>
            ))}
          </View>,
        ),
      )}
      {page('Appendix: TLS, block lists, SPF, EHLO, DNS', <OtherAppendices a={a} />)}
    </>
  );
}

function OtherAppendices({ a }: { a: Appendices }) {
  return (
    <View>
      {a.certificates.length > 0 && (
        <Section bookmark="Certificate chains">
          <PdfLabel text="Certificate chains" size={11} style={{ marginTop: 8, marginBottom: 4 }} />
          {a.certificates.map((c) => (
            <View key={c.host}>
              <Text style={styles.h4}>{c.host}</Text>
              {c.chain.map((cert) => (
                <View key={cert.position} wrap={false}>
                  <PdfLabel text={cert.position} size={9} />
                  <PdfGrid head={['Field', 'Value']} rows={cert.rows} widths={[1, 5]} />
                </View>
              ))}
            </View>
          ))}
        </Section>
      )}
      {a.dnsbl.length > 0 && (
        <Section bookmark="DNS block lists">
          <PdfLabel text="DNS block lists" size={11} style={{ marginTop: 8, marginBottom: 4 }} />
          {a.dnsbl.map((d) => (
            <View key={d.host}>
              <Text style={styles.h4}>{d.host}</Text>
              <PdfGrid head={['List', 'Address', 'Status', 'Codes', 'Meaning']} rows={d.rows} widths={[3, 2, 1.3, 2, 4]} />
            </View>
          ))}
        </Section>
      )}
      {a.spf && (
        <Section bookmark="SPF include tree">
          <PdfLabel text="SPF include tree" size={11} style={{ marginTop: 8, marginBottom: 4 }} />
          <Text style={styles.p}>{`${a.spf.domain}: ${a.spf.lookups} DNS lookups, ${a.spf.voidLookups} void lookups.`}</Text>
          <PdfGrid
            head={['Domain', 'Via', 'Lookups', 'Record']}
            rows={a.spf.nodes.map((n) => [`${'  '.repeat(n.depth)}${n.depth ? '└ ' : ''}${n.domain}`, n.via, n.lookups, n.error ? `${n.record}  [${n.error}]` : n.record])}
            widths={[3, 1, 1, 6]}
          />
        </Section>
      )}
      {a.ehlo.length > 0 && (
        <Section bookmark="EHLO before and after STARTTLS">
          <PdfLabel text="EHLO before and after STARTTLS" size={11} style={{ marginTop: 8, marginBottom: 4 }} />
          {a.ehlo.map((e) => (
            <View key={e.host}>
              <Text style={styles.h4}>{e.host}</Text>
              {e.banner && <Text style={[styles.mono, { marginBottom: 2 }]}>{`Greeting: ${e.banner}`}</Text>}
              <PdfGrid head={['Extension', 'Before TLS', 'After TLS']} rows={e.rows} widths={[1, 2, 2]} />
            </View>
          ))}
        </Section>
      )}
      {a.dns.length > 0 && (
        <Section bookmark="DNS records of the domain">
          <PdfLabel text="DNS records of the domain" size={11} style={{ marginTop: 8, marginBottom: 4 }} />
          <PdfGrid head={['Fact', 'Value']} rows={a.dns} widths={[1, 4]} />
        </Section>
      )}
      {!a.certificates.length && !a.dnsbl.length && !a.spf && !a.ehlo.length && !a.dns.length && <Text>No TLS, block list, SPF, EHLO or DNS facts were collected.</Text>}
    </View>
  );
}
