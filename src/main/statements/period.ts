// A reconciliation period as an accountant names it: a month ('2026-12') or an inclusive range of
// days ('2026-12-01..2026-12-15'), in Nairobi time, as [from, to) in UTC.
import { ValidationError } from '../../shared/errors';

export interface PeriodRange {
  period: string;
  from: string;
  to: string;
}

const nairobiMidnight = (year: number, month: number, day: number): string =>
  new Date(Date.UTC(year, month - 1, day) - 3 * 3600_000).toISOString();

export function periodRange(period: string): PeriodRange {
  const month = /^(\d{4})-(\d{2})$/.exec(period);
  if (month !== null) {
    const [year, m] = [Number(month[1]), Number(month[2])];
    if (m < 1 || m > 12) throw new ValidationError(`Period "${period}": there is no month ${m}`);
    return {
      period,
      from: nairobiMidnight(year, m, 1),
      to: nairobiMidnight(m === 12 ? year + 1 : year, m === 12 ? 1 : m + 1, 1),
    };
  }
  const range = /^(\d{4})-(\d{2})-(\d{2})\.\.(\d{4})-(\d{2})-(\d{2})$/.exec(period);
  if (range !== null) {
    const [y1, m1, d1, y2, m2, d2] = range.slice(1).map(Number) as [number, number, number, number, number, number];
    const from = nairobiMidnight(y1, m1, d1);
    const to = nairobiMidnight(y2, m2, d2 + 1);
    if (Number.isNaN(Date.parse(from)) || Number.isNaN(Date.parse(to)) || to <= from)
      throw new ValidationError(`Period "${period}": the first day must come before the last`);
    return { period, from, to };
  }
  throw new ValidationError(`Period "${period}" is a month like 2026-12 or days like 2026-12-01..2026-12-15`);
}
