// The float's history as lines: each point's lowest and last balance (KES), and the level the admin
// asked to be warned at. Loaded on its own (the chart library is large) so the figures paint first.
import { LineChart } from '@mantine/charts';
import '@mantine/charts/styles.css';
import type { FloatPoint } from '../../shared/contract';
import { formatDateTime, formatNumber } from '../../shared/format';

/** Balances may carry cents (M-Pesa reports them): shown as shillings with their fraction. */
const shillings = (cents: number): number => cents / 100;

function shortShillings(shillings: number): string {
  const size = Math.abs(shillings);
  if (size >= 1_000_000) return `${Math.round((shillings / 1_000_000) * 10) / 10}M`;
  if (size >= 1000) return `${Math.round(shillings / 1000)}k`;
  return String(shillings);
}

export default function FloatChart({
  points,
  levelCents,
  height = 260,
}: {
  points: readonly FloatPoint[];
  levelCents: number | null;
  height?: number;
}) {
  return (
    <LineChart
      h={height}
      data={points.map((point) => ({
        at: formatDateTime(point.at),
        Lowest: shillings(point.lowestCents),
        Last: shillings(point.lastCents),
      }))}
      dataKey="at"
      series={[
        { name: 'Last', color: 'teal.6', label: 'Balance' },
        { name: 'Lowest', color: 'orange.5', label: 'Lowest in the period', strokeDasharray: '4 3' },
      ]}
      withDots={points.length <= 40}
      withLegend
      curveType="linear"
      valueFormatter={(shillings) => `KES ${formatNumber(Math.round(shillings))}`}
      xAxisProps={{ minTickGap: 40 }}
      yAxisProps={{
        width: 64,
        tickFormatter: (shillings: number) => shortShillings(shillings),
        // The warning level stays in sight even when every balance is far above it.
        domain: [0, (highest: number) => Math.max(highest, levelCents === null ? 0 : shillings(levelCents))],
      }}
      referenceLines={
        levelCents === null
          ? []
          : [{ y: shillings(levelCents), label: 'Warning level', color: 'red.6', labelPosition: 'insideTopRight' }]
      }
      aria-label="The float over time"
    />
  );
}
