// The connection to the core as a React value: screens and the frame redraw when it changes.
import { useSyncExternalStore } from 'react';
import { connectionState, onConnectionChange, type ConnectionState } from '../api';

export function useConnection(): ConnectionState {
  return useSyncExternalStore(onConnectionChange, connectionState);
}
