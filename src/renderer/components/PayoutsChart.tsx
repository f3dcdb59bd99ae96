// Payouts per day as bars. Loaded on its own (the chart library is large) so the dashboard's
// figures paint before it.
import { BarChart } from '@mantine/charts';
import '@mantine/charts/styles.css';
import { toWholeShillings } from '../../shared/money';
import { formatDayShort, formatNumber } from '../../shared/format';

export default function PayoutsChart({
  days,
}: {
  days: readonly { day: string; count: number; amountCents: number }[];
}) {
  return (
    <BarChart
      h={220}
      data={days.map((day) => ({
        day: formatDayShort(day.day),
        KES: toWholeShillings(day.amountCents),
        payments: day.count,
      }))}
      dataKey="day"
      series={[{ name: 'KES', color: 'teal.6' }]}
      valueFormatter={(shillings) => `KES ${formatNumber(Math.round(shillings))}`}
      tickLine="y"
      yAxisProps={{
        width: 60,
        tickFormatter: (shillings: number) =>
          shillings >= 1_000_000
            ? `${shillings / 1_000_000}M`
            : shillings >= 1000
              ? `${shillings / 1000}k`
              : String(shillings),
      }}
      aria-label="Payouts per day"
    />
  );
}
