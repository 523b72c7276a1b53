import { useEffect, useLayoutEffect, useRef, useState, type ReactNode } from 'react';
import { gridWindow } from './gridWindow.ts';

export interface VirtualGridProps {
  itemCount: number;
  cellWidth: number;
  cellHeight: number;
  gap?: number;
  overscanRows?: number;
  /** The item at `index` (an element with role "option"); only items in (or near) view are asked for. */
  renderCell(index: number): ReactNode;
  /** Accessible name of the grid. */
  label: string;
  testId?: string;
}

/**
 * A fixed-cell grid that renders only the rows in view (plus overscan), so 10,000
 * thumbnails scroll like 50. The scroll position is read once per animation frame.
 */
export function VirtualGrid({ itemCount, cellWidth, cellHeight, gap = 8, overscanRows = 3, renderCell, label, testId }: VirtualGridProps) {
  const scroller = useRef<HTMLDivElement>(null);
  const [view, setView] = useState({ width: 0, height: 0, scrollTop: 0 });

  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    let frame = 0;
    const measure = () => {
      frame = 0;
      setView((v) =>
        v.width === el.clientWidth && v.height === el.clientHeight && v.scrollTop === el.scrollTop
          ? v
          : { width: el.clientWidth, height: el.clientHeight, scrollTop: el.scrollTop },
      );
    };
    const schedule = () => {
      if (frame === 0) frame = requestAnimationFrame(measure);
    };
    measure();
    const resize = new ResizeObserver(schedule);
    resize.observe(el);
    el.addEventListener('scroll', schedule, { passive: true });
    return () => {
      resize.disconnect();
      el.removeEventListener('scroll', schedule);
      if (frame !== 0) cancelAnimationFrame(frame);
    };
  }, []);

  // A filter that shrinks the list must not leave the view scrolled past its end.
  useEffect(() => {
    const el = scroller.current;
    if (el && el.scrollTop > el.scrollHeight - el.clientHeight) el.scrollTop = Math.max(0, el.scrollHeight - el.clientHeight);
  }, [itemCount]);

  const w = gridWindow({ itemCount, viewportWidth: view.width, viewportHeight: view.height, scrollTop: view.scrollTop, cellWidth, cellHeight, gap, overscanRows });
  const cells: ReactNode[] = [];
  for (let i = w.startIndex; i < w.endIndex; i++) cells.push(renderCell(i));

  return (
    <div ref={scroller} className="vgrid" role="listbox" aria-multiselectable="true" aria-label={label} data-testid={testId} data-items={itemCount} data-rendered={cells.length}>
      <div className="vgrid-spacer" style={{ height: w.totalHeight }}>
        <div
          className="vgrid-window"
          role="presentation"
          style={{
            transform: `translateY(${w.offsetY}px)`,
            gridTemplateColumns: `repeat(${w.columns}, ${cellWidth}px)`,
            gridAutoRows: `${cellHeight}px`,
            gap: `${gap}px`,
          }}
        >
          {cells}
        </div>
      </div>
    </div>
  );
}
