// The app frame: navigation between the screens (Alt+1..6, or the menu in the desktop app),
// light and dark themes, the connection state in serve mode, and the current selection.
import { useEffect, useState } from 'react';
import { connection, type ConnectionState } from './api.js';
import { useEvent } from './hooks.js';
import { screens, type ScreenId, type Selection } from './selection.js';
import { EngagementsScreen } from './screens/engagements-screen.js';
import { AssessmentScreen } from './screens/assessment-screen.js';
import { FindingsScreen } from './screens/findings-screen.js';
import { GatewayScreen } from './screens/gateway-screen.js';
import { CompareScreen } from './screens/compare-screen.js';
import { ExportScreen } from './screens/export-screen.js';

type Theme = 'light' | 'dark';

function initialTheme(): Theme {
  const saved = localStorage.getItem('mxaudit-theme');
  if (saved === 'light' || saved === 'dark') return saved;
  return matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

export function App() {
  const [screen, setScreen] = useState<ScreenId>('engagements');
  const [selection, setSelection] = useState<Selection>({ engagementId: null, assessmentId: null });
  const [theme, setTheme] = useState<Theme>(initialTheme);
  const [conn, setConn] = useState<ConnectionState>(connection.state());

  useEffect(() => {
    const off = connection.onState(setConn);
    setConn(connection.state()); // it may have opened before this effect ran
    return off;
  }, []);
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
    localStorage.setItem('mxaudit-theme', theme);
  }, [theme]);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!e.altKey || e.ctrlKey || e.metaKey) return;
      const n = Number(e.key);
      if (n >= 1 && n <= screens.length) {
        e.preventDefault();
        setScreen(screens[n - 1].id);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
  useEvent('onDidRequestScreen', ({ screen: s }) => {
    if (screens.some((x) => x.id === s)) setScreen(s as ScreenId);
  });

  const go = (s: ScreenId, sel?: Partial<Selection>) => {
    if (sel) setSelection((cur) => ({ ...cur, ...sel }));
    setScreen(s);
  };

  return (
    <div className="app">
      <header className="topbar">
        <span className="brand">mxaudit</span>
        <nav aria-label="Screens">
          {screens.map((s, i) => (
            <button key={s.id} type="button" className="tab" aria-current={screen === s.id ? 'page' : undefined} title={`Alt+${i + 1}`} onClick={() => setScreen(s.id)}>
              {s.label}
            </button>
          ))}
        </nav>
        <span className={`conn conn-${conn}`} role="status">
          {conn === 'open' ? '' : conn === 'no-token' ? 'No access token: open the URL printed by "mxaudit serve"' : conn === 'closed' ? 'Disconnected: reconnecting...' : 'Connecting...'}
        </span>
        <button type="button" className="theme" onClick={() => setTheme(theme === 'dark' ? 'light' : 'dark')} aria-label={`Switch to ${theme === 'dark' ? 'light' : 'dark'} theme`}>
          {theme === 'dark' ? 'Light' : 'Dark'}
        </button>
      </header>
      <main className="content" id={`screen-${screen}`} aria-label={screens.find((s) => s.id === screen)?.label}>
        {screen === 'engagements' && <EngagementsScreen selection={selection} go={go} />}
        {/* Kept mounted: a running assessment and the gateway's live log survive navigation. */}
        <div hidden={screen !== 'assessment'}>
          <AssessmentScreen selection={selection} go={go} />
        </div>
        {screen === 'findings' && <FindingsScreen selection={selection} go={go} />}
        <div hidden={screen !== 'gateway'}>
          <GatewayScreen />
        </div>
        {screen === 'compare' && <CompareScreen selection={selection} go={go} />}
        {screen === 'export' && <ExportScreen selection={selection} go={go} />}
      </main>
    </div>
  );
}

export type Go = (s: ScreenId, sel?: Partial<Selection>) => void;
