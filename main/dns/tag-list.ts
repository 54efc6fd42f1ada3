// The `tag=value; tag=value` syntax shared by DMARC (RFC 7489 6.4), MTA-STS TXT (RFC 8461 3.1) and
// TLS-RPT (RFC 8460 3), and the rule all three use to pick their one record among a name's TXT records.

export interface Tag {
  /** As written; each format decides whether names are case-sensitive. */
  name: string;
  value: string;
}

export function parseTagList(text: string): { tags: Tag[]; errors: string[] } {
  const tags: Tag[] = [];
  const errors: string[] = [];
  // A trailing ";" is allowed by every grammar, hence the empty parts are skipped.
  for (const part of text.split(';').map((p) => p.trim()).filter(Boolean)) {
    const eq = part.indexOf('=');
    if (eq <= 0) {
      errors.push(`"${part}" is not tag=value`);
      continue;
    }
    const tag = { name: part.slice(0, eq).trim(), value: part.slice(eq + 1).trim() };
    if (tags.some((t) => t.name.toLowerCase() === tag.name.toLowerCase())) errors.push(`tag ${tag.name} appears more than once`);
    else tags.push(tag);
  }
  return { tags, errors };
}

export interface VersionTag {
  /** Text a record must begin with, e.g. "v=DMARC1". */
  label: string;
  /** The record begins with the version tag, as receivers test it. */
  begins: RegExp;
  /** The version tag appears anywhere, in any case: a record meant for this format. */
  mentions: RegExp;
}

/**
 * Receivers keep only the records that begin with the version tag and use none when more than one
 * remains. A record that carries the tag elsewhere was meant as one but is silently discarded: an error.
 */
export function selectRecord(records: string[], version: VersionTag, name: string): { record: string | null; ambiguous: boolean; errors: string[] } {
  const kept = records.filter((r) => version.begins.test(r));
  const errors = records
    .filter((r) => !version.begins.test(r) && version.mentions.test(r))
    .map((r) => `"${r}" at ${name} does not begin with ${version.label}, so it is discarded`);
  if (kept.length > 1) errors.push(`${kept.length} records at ${name} begin with ${version.label}: with more than one, none applies`);
  return { record: kept.length === 1 ? kept[0] : null, ambiguous: kept.length > 1, errors };
}
