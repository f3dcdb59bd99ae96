// The application menu: the usual edit and window roles (copy and paste into the forms), and
// help links that go out through the one safe external-link opener.
import type { MenuItemConstructorOptions } from 'electron';

export const helpLinks = {
  daraja: 'https://developer.safaricom.co.ke/',
} as const;

export function appMenuTemplate(options: {
  platform: NodeJS.Platform;
  openLink: (url: string) => void;
  isDevelopment: boolean;
}): MenuItemConstructorOptions[] {
  const macApp: MenuItemConstructorOptions[] = options.platform === 'darwin' ? [{ role: 'appMenu' }] : [];
  const view: MenuItemConstructorOptions[] = [
    { role: 'resetZoom' },
    { role: 'zoomIn' },
    { role: 'zoomOut' },
    { type: 'separator' },
    { role: 'togglefullscreen' },
  ];
  // Developer tools only while developing: a payroll officer has no use for a console into the page.
  if (options.isDevelopment) view.unshift({ role: 'reload' }, { role: 'toggleDevTools' }, { type: 'separator' });
  return [
    ...macApp,
    { label: 'File', submenu: [options.platform === 'darwin' ? { role: 'close' } : { role: 'quit' }] },
    { role: 'editMenu' },
    { label: 'View', submenu: view },
    { role: 'windowMenu' },
    {
      role: 'help',
      submenu: [{ label: 'Safaricom Daraja portal', click: () => options.openLink(helpLinks.daraja) }],
    },
  ];
}
