// Locks the screen after the profile's idle time without input. The core locks a door that makes
// no call for that long too, but a page polling for progress still calls, so the screen counts
// what the person does: keys, pointer, wheel, touch.
import { useEffect } from 'react';

const inputEvents = ['keydown', 'pointerdown', 'pointermove', 'wheel', 'touchstart'] as const;

/** Calls `onIdle` once after `minutes` without input while `active`; input starts the time again. */
export function useIdleLock(active: boolean, minutes: number, onIdle: () => void): void {
  useEffect(() => {
    if (!active || minutes <= 0) return undefined;
    let timer = window.setTimeout(onIdle, minutes * 60_000);
    const restart = () => {
      window.clearTimeout(timer);
      timer = window.setTimeout(onIdle, minutes * 60_000);
    };
    for (const name of inputEvents) window.addEventListener(name, restart, { passive: true });
    return () => {
      window.clearTimeout(timer);
      for (const name of inputEvents) window.removeEventListener(name, restart);
    };
  }, [active, minutes, onIdle]);
}
