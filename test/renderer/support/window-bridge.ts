// Runs first, before anything imports the renderer's api.ts: that module picks its transport when
// loaded, and must find the fake bridge where the Electron preload would put the real one.
import { bridge } from './fake-bridge';

window.mshahara = bridge;
