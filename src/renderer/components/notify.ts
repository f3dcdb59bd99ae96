// Toasts: a confirmation fades by itself; a problem stays until the person closes it, so a failure
// is never missed because they looked away.
import { notifications } from '@mantine/notifications';
import { problemText } from '../api';

/** Shows what went wrong, in the core's own words, until it is dismissed. */
export function showProblem(title: string, error: unknown): void {
  notifications.show({ color: 'red', title, message: problemText(error), autoClose: false, withCloseButton: true });
}
