// The MTA-STS TXT record at _mta-sts.<domain> (RFC 8461 section 3.1): it announces that a policy
// exists and names its version (id); senders fetch the policy only when this record is valid.
import { parseTagList, type VersionTag } from '../tag-list.js';

// RFC 8461 uses case-sensitive literals (%s"v=STSv1", %s"id=").
export const STS_VERSION: VersionTag = {
  label: 'v=STSv1',
  begins: /^v=STSv1[ \t]*(;|$)/,
  mentions: /(^|;)\s*v\s*=\s*STSv1\s*(;|$)/i,
};

/** Parses a record that begins with v=STSv1 (see selectRecord). */
export function parseStsRecord(text: string): { id: string | null; errors: string[] } {
  const { tags, errors } = parseTagList(text);
  const id = tags.find((t) => t.name === 'id')?.value;
  if (id === undefined) errors.push('id= is missing (it is required)');
  else if (!/^[A-Za-z0-9]{1,32}$/.test(id)) errors.push(`id=${id} is not 1 to 32 letters and digits`);
  return { id: id !== undefined && errors.length === 0 ? id : null, errors };
}
