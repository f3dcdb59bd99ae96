// Shows an instant in Nairobi time, whatever zone the computer is set to.
import { formatDateTime } from '../../shared/format';

// Long tables show the same instants again and again while scrolling: format each one once.
const formatted = new Map<string, string>();

function nairobiText(at: string): string {
  let text = formatted.get(at);
  if (text === undefined) {
    if (formatted.size > 5000) formatted.clear();
    text = formatDateTime(at);
    formatted.set(at, text);
  }
  return text;
}

export function When({ at }: { at: string | null | undefined }) {
  if (!at) return <span>—</span>;
  return <time dateTime={at}>{nairobiText(at)}</time>;
}
