// The MTA-STS policy file (RFC 8461 section 3.2): `key: value` lines, mx repeated once per pattern.
// Every problem is listed, since any one makes senders treat the domain as having no policy.
import { isMxPattern } from './mx-pattern.js';

export type StsMode = 'enforce' | 'testing' | 'none';

export interface StsPolicy {
  mode: StsMode | null;
  /** MX patterns as written, in order. */
  mx: string[];
  /** Seconds senders may cache the policy; null when absent or invalid. */
  maxAge: number | null;
  errors: string[];
}

const MODES: readonly string[] = ['enforce', 'testing', 'none'] satisfies StsMode[];
const FIELDS = ['version', 'mode', 'max_age', 'mx'];
/** Section 3.2: at most about one year. */
export const MAX_AGE_LIMIT = 31_557_600;

export function parseStsPolicy(text: string): StsPolicy {
  const errors: string[] = [];
  const fields = new Map<string, string>();
  const mx: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const key = line.slice(0, colon);
    const value = line.slice(colon + 1).replace(/^[ \t]+|[ \t]+$/g, '');
    // Field names are case-sensitive literals: "Mode:" is an unknown field, which senders ignore.
    if (!FIELDS.includes(key) && FIELDS.includes(key.trim().toLowerCase())) errors.push(`field "${key}" must be written "${key.trim().toLowerCase()}"`);
    if (key === 'mx') mx.push(value);
    else if (!fields.has(key)) fields.set(key, value); // the first of a repeated field counts
  }

  const version = fields.get('version');
  if (version !== 'STSv1') errors.push(version === undefined ? 'version is missing' : `version "${version}" is not STSv1`);
  const modeText = fields.get('mode');
  const mode = modeText !== undefined && MODES.includes(modeText) ? (modeText as StsMode) : null;
  if (!mode) errors.push(modeText === undefined ? 'mode is missing' : `mode "${modeText}" is not enforce, testing or none`);
  const ageText = fields.get('max_age');
  const maxAge = ageText !== undefined && /^\d{1,10}$/.test(ageText) && Number(ageText) <= MAX_AGE_LIMIT ? Number(ageText) : null;
  if (maxAge === null) errors.push(ageText === undefined ? 'max_age is missing' : `max_age "${ageText}" is not a number of seconds up to ${MAX_AGE_LIMIT}`);
  // Mode none withdraws the policy, so it needs no MX list.
  if (mx.length === 0 && mode !== 'none') errors.push('no mx pattern');
  for (const p of mx.filter((p) => !isMxPattern(p))) errors.push(`mx "${p}" is not a host name or *.host name`);
  return { mode, mx, maxAge, errors };
}
