// A list's reply: a whole reply line whose placeholders are filled per client, so each list
// can say where to look the address up (Exchange 2003's custom response per provider).
import type { Listing } from './dnsbl-score.js';
import type { Reply } from '../reply-map.js';

/** Code and enhanced code of the same class (RFC 3463), then the text. */
export const REPLY_TEMPLATE = /^([45])\d\d \1\.\d{1,3}\.\d{1,3} .+$/;
export const PLACEHOLDERS = ['ip', 'zone', 'info', 'codes'] as const;

/** The provider's reply for this address; the template was validated against REPLY_TEMPLATE. */
export function fillTemplate(l: Listing, ip: string): Reply {
  const values: Record<(typeof PLACEHOLDERS)[number], string> = { ip, zone: l.provider.zone, info: l.provider.info, codes: l.codes.join(', ') };
  const line = l.provider.template.replace(/\{(\w+)\}/g, (m, k: string) => (Object.hasOwn(values, k) ? values[k as keyof typeof values] : m));
  const [code, enhanced, ...words] = line.split(' ');
  // An empty {info} at the end must not leave a trailing blank in the reply.
  return { code: Number(code), enhanced, text: words.join(' ').trim() };
}
