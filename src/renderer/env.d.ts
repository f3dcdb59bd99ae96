// The bridge the Electron preload puts on window; absent when the page is served to a browser.
import type { MshaharaBridge } from '../shared/contract';

declare global {
  interface Window {
    mshahara?: MshaharaBridge;
  }
}

export {};
