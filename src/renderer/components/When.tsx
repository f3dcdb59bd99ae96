// Shows an instant in Nairobi time, whatever zone the computer is set to.
import { formatNairobi } from '../../shared/time';

export function When({ at }: { at: string | null | undefined }) {
  if (!at) return <span>—</span>;
  return <time dateTime={at}>{formatNairobi(at)}</time>;
}
