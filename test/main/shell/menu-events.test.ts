// The app menu (help links through the safe opener, no developer tools for the officer) and
// events pushed to every open window on the one event channel.
import { describe, expect, it } from 'vitest';
import { ipcChannel } from '../../../src/shared/contract';
import { EventHub } from '../../../src/main/handlers';
import { sendEventsTo } from '../../../src/main/shell/events';
import { appMenuTemplate, helpLinks } from '../../../src/main/shell/menu';

describe('appMenuTemplate', () => {
  it('opens help links through the given opener and hides developer tools outside development', () => {
    const opened: string[] = [];
    const template = appMenuTemplate({ platform: 'linux', isDevelopment: false, openLink: (url) => opened.push(url) });
    const help = template.find((item) => item.role === 'help');
    const items = (help?.submenu ?? []) as Array<{ click?: () => void }>;
    for (const item of items) item.click?.();
    expect(opened).toEqual([helpLinks.daraja]);
    expect(JSON.stringify(template)).not.toContain('toggleDevTools');
    expect(
      JSON.stringify(appMenuTemplate({ platform: 'linux', isDevelopment: true, openLink: () => undefined })),
    ).toContain('toggleDevTools');
  });

  it('has the macOS app menu only on macOS', () => {
    expect(appMenuTemplate({ platform: 'darwin', isDevelopment: false, openLink: () => undefined })[0]?.role).toBe(
      'appMenu',
    );
    expect(appMenuTemplate({ platform: 'win32', isDevelopment: false, openLink: () => undefined })[0]?.role).not.toBe(
      'appMenu',
    );
  });
});

describe('sendEventsTo', () => {
  it('sends each event to every live window on the event channel, skipping closed ones', () => {
    const sent: unknown[][] = [];
    const live = { isDestroyed: () => false, webContents: { send: (...args: unknown[]) => void sent.push(args) } };
    const closed = {
      isDestroyed: () => true,
      webContents: { send: () => expect.unreachable('sent to a closed window') },
    };
    const hub = new EventHub();
    hub.on(sendEventsTo(() => [live, closed]));
    hub.publish('inbox.changed', { added: 2, needsAction: 1 });
    expect(sent).toEqual([[ipcChannel.event, 'inbox.changed', { added: 2, needsAction: 1 }]]);
  });

  it('keeps delivering to the other listeners when one of them fails', () => {
    const hub = new EventHub();
    const received: string[] = [];
    hub.on(() => {
      throw new Error('socket closed');
    });
    hub.on((event) => void received.push(event));
    hub.publish('ledger.changed', { added: 1, latestId: 9 });
    expect(received).toEqual(['ledger.changed']);
  });
});
