// The gateway's mail store: inbox, junk and quarantine per recipient; a message's headers
// (X-SCL among them) and its text, shown as text (it comes from anyone).
import { useEffect, useRef, useState } from 'react';
import type { MailboxMessage } from '../../../shared/ipc-contract.js';
import { invoke } from '../api.js';
import { visible } from '../../../shared/visible-text.js';
import { ErrorBanner } from './error-banner.js';

const folders = ['inbox', 'junk', 'quarantine'] as const;
type Opened = { ref: MailboxMessage; headers: [string, string][]; body: string; truncated: boolean };

export function MailboxViewer({ refreshKey }: { refreshKey: number }) {
  const [folder, setFolder] = useState<(typeof folders)[number]>('inbox');
  const [messages, setMessages] = useState<MailboxMessage[]>([]);
  const [opened, setOpened] = useState<Opened | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [tick, setTick] = useState(0);
  const last = useRef(0);
  useEffect(() => {
    // New mail refreshes the list at most every 2 s (a load test stores hundreds a second).
    const wait = Math.max(0, last.current + 2000 - Date.now());
    const t = setTimeout(() => {
      last.current = Date.now();
      void invoke('mxaudit:mailbox.list', {}).then(setMessages, (e: Error) => setError(e.message));
    }, wait);
    return () => clearTimeout(t);
  }, [refreshKey, tick]);
  const open = async (m: MailboxMessage) => {
    try {
      const r = await invoke('mxaudit:mailbox.read', { folder: m.folder, recipient: m.recipient, id: m.id });
      setOpened({ ref: m, ...r });
    } catch (e) {
      setError((e as Error).message);
    }
  };
  const shown = messages.filter((m) => m.folder === folder);
  return (
    <section className="panel" aria-labelledby="mailbox-title">
      <div className="panel-head">
        <h2 id="mailbox-title">Mailboxes</h2>
        <button type="button" className="secondary" onClick={() => setTick((n) => n + 1)}>
          Refresh
        </button>
      </div>
      <ErrorBanner error={error} onClose={() => setError(null)} />
      <div role="tablist" aria-label="Folders" className="subtabs">
        {folders.map((f) => (
          <button key={f} type="button" role="tab" className="tab" aria-selected={folder === f} onClick={() => setFolder(f)}>
            {f} ({messages.filter((m) => m.folder === f).length})
          </button>
        ))}
      </div>
      <div className="columns">
        <table className="table compact grow" aria-label={`${folder} messages`}>
          <thead>
            <tr>
              <th>Recipient</th>
              <th>From</th>
              <th>Subject</th>
              <th>X-SCL</th>
              <th>Received</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((m) => (
              <tr key={`${m.folder}/${m.recipient}/${m.id}`} className={opened?.ref.id === m.id ? 'selected' : ''}>
                <td>{m.recipient}</td>
                <td>{visible(m.from, 120)}</td>
                <td>
                  <button type="button" className="link" onClick={() => void open(m)}>
                    {visible(m.subject, 160) || '(no subject)'}
                  </button>
                </td>
                <td>{m.scl ?? '-'}</td>
                <td>{new Date(m.receivedAt).toLocaleTimeString()}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {opened ? (
          <article className="message" aria-label="Message">
            <table className="table compact headers" aria-label="Headers">
              <tbody>
                {opened.headers.map(([k, v], i) => (
                  <tr key={i} className={/^x-scl$/i.test(k) ? 'highlight' : ''}>
                    <th>{visible(k, 100)}</th>
                    <td className="mono small">{visible(v, 1000)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <pre className="evidence" tabIndex={0} aria-label="Message body">
              {visible(opened.body, 200_000)}
              {opened.truncated ? '\n[... truncated]' : ''}
            </pre>
          </article>
        ) : null}
      </div>
    </section>
  );
}
