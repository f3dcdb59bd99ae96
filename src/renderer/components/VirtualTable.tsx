// One table for any number of rows: only the rows in view exist in the page (TanStack Virtual), so
// a million-row ledger scrolls as smoothly as a ten-row run. Rows may arrive later (getRow → undefined).
import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useEffect, useMemo, useRef, type CSSProperties, type ReactNode } from 'react';

export interface Column<Row> {
  key: string;
  header: string;
  /** CSS grid track, e.g. "120px" or "1fr". */
  width: string;
  align?: 'left' | 'right';
  render(row: Row): ReactNode;
}

interface VirtualTableProps<Row> {
  label: string;
  columns: readonly Column<Row>[];
  rowCount: number;
  getRow(index: number): Row | undefined;
  /** Told which rows are in view (plus overscan), so the owner can fetch them. */
  onRangeChange?(start: number, end: number): void;
  onRowClick?(row: Row): void;
  rowHeight?: number;
  height?: number | string;
  testId?: string;
  empty?: ReactNode;
}

// Chrome caps an element's height near 33.5 million pixels: 32 px rows keep a million rows under it.
const defaultRowHeight = 32;

export function VirtualTable<Row>({
  label,
  columns,
  rowCount,
  getRow,
  onRangeChange,
  onRowClick,
  rowHeight = defaultRowHeight,
  height = 480,
  testId,
  empty,
}: VirtualTableProps<Row>) {
  const scroller = useRef<HTMLDivElement>(null);
  // Mshahara does not run the React Compiler; rows redraw through VirtualRow's memo, not through this hook.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: rowCount,
    getScrollElement: () => scroller.current,
    estimateSize: () => rowHeight,
    overscan: 12,
  });
  const items = virtualizer.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items[items.length - 1]?.index ?? -1;
  const template = columns.map((column) => column.width).join(' ');
  const grid = useMemo<CSSProperties>(() => ({ display: 'grid', gridTemplateColumns: template }), [template]);

  useEffect(() => {
    if (last >= first) onRangeChange?.(first, last + 1);
  }, [first, last, onRangeChange]);

  return (
    <div className="vtable" role="table" aria-label={label} aria-rowcount={rowCount + 1} data-testid={testId}>
      <div className="vtable-head" role="rowgroup">
        <div role="row" aria-rowindex={1} style={grid}>
          {columns.map((column) => (
            <div key={column.key} role="columnheader" className={column.align === 'right' ? 'cell right' : 'cell'}>
              {column.header}
            </div>
          ))}
        </div>
      </div>
      <div
        ref={scroller}
        className="vtable-body"
        role="rowgroup"
        style={{ height }}
        // A scrolling region must be reachable from the keyboard, or its rows cannot be scrolled to.
        // eslint-disable-next-line jsx-a11y/no-noninteractive-tabindex
        tabIndex={0}
        aria-label={`${label}, scrollable`}
        data-testid={testId ? `${testId}-scroller` : undefined}
      >
        {rowCount === 0 && <div className="vtable-empty">{empty ?? 'Nothing to show.'}</div>}
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {/* One moving block with the rows in normal flow: a row whose data did not change is not redrawn. */}
          <div
            style={{
              position: 'absolute',
              top: 0,
              left: 0,
              right: 0,
              transform: `translateY(${items[0]?.start ?? 0}px)`,
            }}
          >
            {items.map((item) => (
              <VirtualRow
                key={item.key}
                index={item.index}
                row={getRow(item.index)}
                columns={columns}
                grid={grid}
                rowHeight={rowHeight}
                onRowClick={onRowClick}
              />
            ))}
          </div>
        </div>
      </div>
    </div>
  );
}

interface VirtualRowProps<Row> {
  index: number;
  row: Row | undefined;
  columns: readonly Column<Row>[];
  grid: CSSProperties;
  rowHeight: number;
  onRowClick: ((row: Row) => void) | undefined;
}

function VirtualRowUnmemoized<Row>({ index, row, columns, grid, rowHeight, onRowClick }: VirtualRowProps<Row>) {
  const clickable = onRowClick !== undefined && row !== undefined;
  return (
    <div
      role="row"
      aria-rowindex={index + 2}
      className={clickable ? 'vtable-row clickable' : 'vtable-row'}
      tabIndex={clickable ? 0 : undefined}
      onClick={clickable ? () => onRowClick(row) : undefined}
      onKeyDown={
        clickable
          ? (event) => {
              if (event.key === 'Enter' || event.key === ' ') {
                event.preventDefault();
                onRowClick(row);
              }
            }
          : undefined
      }
      style={{ ...grid, height: rowHeight }}
    >
      {row === undefined ? (
        <div role="cell" className="cell loading-cell">
          Loading…
        </div>
      ) : (
        columns.map((column) => (
          <div key={column.key} role="cell" className={column.align === 'right' ? 'cell right' : 'cell'}>
            {column.render(row)}
          </div>
        ))
      )}
    </div>
  );
}

const VirtualRow = memo(VirtualRowUnmemoized) as typeof VirtualRowUnmemoized;
