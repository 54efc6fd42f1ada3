// Finds product names and version numbers in a banner or EHLO greeting.

const PRODUCTS = [
  'Postfix', 'Sendmail', 'Exim', 'qmail', 'Microsoft ESMTP MAIL Service', 'Microsoft Exchange', 'Exchange Server',
  'Haraka', 'Zimbra', 'MailEnable', 'hMailServer', 'Kerio', 'IceWarp', 'Courier', 'OpenSMTPD', 'CommuniGate',
  'Lotus Domino', 'IBM Domino', 'MDaemon', 'Axigen', 'SmarterMail', 'Sophos', 'Barracuda', 'IronPort', 'Cisco',
  'Mimecast', 'Proofpoint', 'Zimbra', 'Dovecot', 'Mailcow', 'MailSite', 'Merak', 'ArGoSoft', 'Mercury', 'WinGate',
  'SurgeMail', 'Stalker', 'XMail', 'Smail', 'ZMailer', 'Lyris', 'FortiMail', 'SpamTitan', 'Symantec', 'Trend Micro',
];

const productPattern = new RegExp(`\\b(${PRODUCTS.map((p) => p.replace(/ /g, '\\s+')).join('|')})\\b`, 'gi');
// Dotted version numbers (8.15.2, 15.1.2507.6); four-part numbers that are IPv4 addresses are not versions.
const versionPattern = /(?<![\d.])\d{1,5}(?:\.\d{1,5}){2,3}(?![\d.])/g;

export function productDisclosure(text: string): string[] {
  const found = new Set<string>();
  for (const m of text.matchAll(productPattern)) found.add(m[1].replace(/\s+/g, ' '));
  for (const m of text.matchAll(versionPattern)) {
    const parts = m[0].split('.').map(Number);
    const isIPv4 = parts.length === 4 && parts.every((p) => p <= 255);
    if (!isIPv4) found.add(`version ${m[0]}`);
  }
  return [...found];
}
