// Catches a screen that throws while drawing: says what went wrong in plain words and offers to
// draw the screen again, instead of leaving a white page. The navigation around it stays usable.
import { Alert, Button, Stack, Text } from '@mantine/core';
import { Component, type ErrorInfo, type ReactNode } from 'react';
import { problemText } from '../api';

interface Props {
  /** What broke, in the officer's words: "This screen", "Mshahara". */
  what: string;
  /** Changing it (for example moving to another screen) clears a caught error. */
  resetKey?: unknown;
  /** Called when the officer asks to reload: e.g. to read the screen's answers from the core again. */
  onReload?(): void;
  children: ReactNode;
}

interface State {
  error: unknown;
  caughtFor: unknown;
}

export class ScreenBoundary extends Component<Props, State> {
  override state: State = { error: undefined, caughtFor: undefined };

  static getDerivedStateFromError(error: unknown): Partial<State> {
    return { error: error ?? new Error('Something went wrong.') };
  }

  static getDerivedStateFromProps(props: Props, state: State): Partial<State> | null {
    // Moving to another screen starts afresh; the broken one is tried again when it is opened again.
    return state.caughtFor === props.resetKey ? null : { error: undefined, caughtFor: props.resetKey };
  }

  override componentDidCatch(error: unknown, info: ErrorInfo): void {
    console.error(`${this.props.what} stopped working`, error, info.componentStack);
  }

  override render(): ReactNode {
    if (this.state.error === undefined) return this.props.children;
    return (
      <Alert color="red" variant="light" role="alert" title={`${this.props.what} stopped working`}>
        <Stack gap="sm" align="flex-start">
          <Text size="sm">
            Something went wrong while drawing it: {problemText(this.state.error)}. Drawing a screen never sends or
            changes a payment: what is in Mshahara&apos;s core is as it was.
          </Text>
          <Button
            variant="light"
            color="red"
            onClick={() => {
              this.props.onReload?.();
              this.setState({ error: undefined });
            }}
          >
            Reload this screen
          </Button>
        </Stack>
      </Alert>
    );
  }
}
