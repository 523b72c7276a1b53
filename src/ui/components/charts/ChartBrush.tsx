import { memo } from 'react';
import { Brush, LineChart } from 'recharts';
import type { ChartRow } from './chartTable.ts';
import { brushIndices } from './brushIndices.ts';
import { formatMetric } from '../common/formatMetric.ts';
import { PLOT_MARGIN, Y_AXIS_WIDTH } from './ChartPlot.tsx';

export const BRUSH_HEIGHT = 22;
/** Lines the strip up with the plot above it; made once, since recharts compares it by identity. */
const MARGIN = { top: 0, bottom: 0, left: Y_AXIS_WIDTH + PLOT_MARGIN.left, right: PLOT_MARGIN.right };

/**
 * The zoom strip under a chart: a recharts Brush over the whole run's rows, its handles
 * dragged to pick the x range the chart above shows. It is a chart of its own, with no
 * syncId, because recharts syncs brushes between synced charts by row index, which means
 * nothing between charts whose rows differ (and made them chase each other's indices).
 */
export const ChartBrush = memo(function ChartBrush({
  rows,
  width,
  zoom,
  onZoom,
}: {
  /** Every row of the chart, not only the zoomed ones. */
  rows: readonly ChartRow[];
  width: number;
  zoom: readonly [number, number] | undefined;
  onZoom: (zoom: [number, number] | undefined) => void;
}) {
  const { startIndex, endIndex } = brushIndices(
    rows.map((r) => r.x),
    zoom,
  );
  return (
    <LineChart width={width} height={BRUSH_HEIGHT} data={rows as ChartRow[]} margin={MARGIN} accessibilityLayer={false}>
      <Brush
        // A Brush whose indices are set from props places them with the scale of its previous
        // rows (NaN when there are more rows now); a new one per row count starts right.
        key={rows.length}
        dataKey="x"
        height={BRUSH_HEIGHT - 2}
        y={1}
        travellerWidth={8}
        stroke="#8c959f"
        fill="#f6f8fa"
        tickFormatter={formatMetric}
        startIndex={startIndex}
        endIndex={endIndex}
        onChange={({ startIndex: from, endIndex: to }) =>
          onZoom(from === undefined || to === undefined || (from === 0 && to === rows.length - 1) ? undefined : [rows[from].x, rows[to].x])
        }
      />
    </LineChart>
  );
});
