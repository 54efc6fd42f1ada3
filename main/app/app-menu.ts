// The application menu: the usual roles, plus the screens (keyboard shortcuts) and help links.
import { Menu, shell, type BrowserWindow, type MenuItemConstructorOptions } from 'electron';

export const screens = ['engagements', 'assessment', 'findings', 'gateway', 'compare', 'export'] as const;

export function buildMenu(win: () => BrowserWindow | null, navigate: (screen: string) => void): Menu {
  const isMac = process.platform === 'darwin';
  const template: MenuItemConstructorOptions[] = [
    ...(isMac ? [{ role: 'appMenu' as const }] : []),
    { role: 'fileMenu' },
    { role: 'editMenu' },
    {
      label: 'Go',
      submenu: screens.map((s, i) => ({ label: s[0].toUpperCase() + s.slice(1), accelerator: `CmdOrCtrl+${i + 1}`, click: () => navigate(s) })),
    },
    { role: 'viewMenu' },
    { role: 'windowMenu' },
    {
      role: 'help',
      submenu: [{ label: 'mxaudit on GitHub', click: () => void shell.openExternal('https://github.com/') }],
    },
  ];
  void win;
  return Menu.buildFromTemplate(template);
}
