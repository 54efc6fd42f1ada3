// One sentence per finding id for the executive summary: what it means for the business, in
// words a manager reads. Ids not listed fall back to the finding's own title.

const SENTENCES: Record<string, string> = {
  'smtp.open-relay': 'Anyone on the Internet can send spam through your mail server; it will end up on block lists and your own mail will be rejected.',
  'smtp.spoofed-local-sender': 'Outsiders can send mail that claims to come from your own domain to your own staff, the classic set-up for phishing and invoice fraud.',
  'smtp.auth-before-tls': 'Passwords can be sent to the mail server unencrypted, where anyone on the network path can read them.',
  'smtp.auth-exposed': 'The Internet-facing mail server invites password guessing attacks.',
  'smtp.accepts-unknown-recipients': 'The server accepts mail for addresses that do not exist, so it collects spam and sends bounces to forged senders.',
  'smtp.vrfy-enabled': 'The server tells anyone which mailbox names exist, which helps attackers target staff.',
  'smtp.expn-enabled': 'The server reveals the members of mailing lists to anyone who asks.',
  'smtp.dha-no-delay': 'Attackers can quickly discover every valid email address by trying names; nothing slows them down.',
  'smtp.size-not-enforced': 'The server does not enforce its own message size limit, which allows resource exhaustion.',
  'smtp.mx-inconsistent': 'Your mail servers are not configured alike; attackers use the weakest one, often the backup.',
  'tls.starttls-missing': 'Mail to your domain travels over the Internet unencrypted.',
  'tls.cert-expired': 'The mail server certificate has expired; senders that check it will refuse to deliver or fall back to no protection.',
  'tls.cert-self-signed': 'The mail server certificate is not issued by a trusted authority, so senders cannot tell your server from an impostor.',
  'tls.cert-untrusted': 'The mail server certificate is not trusted, so senders cannot tell your server from an impostor.',
  'tls.cert-hostname-mismatch': 'The certificate does not name the mail server, so senders cannot verify they reached you.',
  'tls.cert-expiring-soon': 'The mail server certificate expires soon; renew it before mail delivery is affected.',
  'tls.legacy-protocol': 'Outdated encryption protocols are still accepted, weakening the protection of mail in transit.',
  'tls.weak-cipher': 'Weak encryption is accepted, weakening the protection of mail in transit.',
  'tls.weak-key': 'The certificate key is too weak to protect mail in transit.',
  'tls.submission-plaintext-allowed': 'Users can send their password and mail to the submission server without encryption.',
  'tls.dane-mismatch': 'DANE records do not match the certificate: senders that use DANE will refuse to deliver mail.',
  'dns.no-mx': 'The domain does not say where its mail should go.',
  'dns.rbl-listed': 'The mail server is on a public block list: mail you send is likely rejected or filtered as spam.',
  'dns.ptr-missing': 'The server address has no reverse DNS name; many receivers reject mail from such addresses.',
  'spf.pass-all': 'The SPF policy allows the whole Internet to send mail as your domain.',
  'spf.missing': 'There is no SPF policy: receivers cannot tell which servers may send mail as your domain.',
  'spf.too-many-lookups': 'The SPF policy is too complex to be evaluated, so receivers treat it as broken.',
  'spf.syntax-error': 'The SPF policy has an error, so receivers treat it as broken.',
  'spf.multiple-records': 'The domain has several SPF policies, so receivers treat it as broken.',
  'dmarc.missing': 'There is no DMARC policy: forged mail in your name is not rejected and you receive no reports about it.',
  'dmarc.policy-none': 'The DMARC policy only monitors: forged mail in your name is still delivered.',
  'dmarc.syntax-error': 'The DMARC policy has an error, so receivers ignore it.',
  'mtasts.mx-mismatch': 'The MTA-STS policy names the wrong mail servers; senders that honour it may refuse to deliver.',
  'mtasts.missing': 'Nothing tells senders to insist on encryption, so an attacker on the path can strip it.',
};

export function plainLanguage(id: string, title: string): string {
  return SENTENCES[id] ?? `${title}.`;
}
