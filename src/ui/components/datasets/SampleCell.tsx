import { memo, type KeyboardEvent, type MouseEvent } from 'react';
import type { SplitName } from '../../../store/datasetsBrowse.ts';
import type { SampleRecord } from '../../../storage/storageRecords.ts';
import { fitSize } from './BoxGeometry.ts';
import { useSampleImageUrl } from './SampleImageUrl.ts';

export interface SampleCellProps {
  sample: SampleRecord;
  split: SplitName | undefined;
  selected: boolean;
  /** Side of the square picture area, px. */
  size: number;
  onClick(id: string, event: MouseEvent | KeyboardEvent): void;
  onOpen(sample: SampleRecord): void;
}

/** One thumbnail of the dataset grid: the picture, its box if any, class and split. */
export const SampleCell = memo(function SampleCell({ sample, split, selected, size, onClick, onOpen }: SampleCellProps) {
  const url = useSampleImageUrl(sample.hash, 'thumb');
  const fit = fitSize(sample.width, sample.height, size, size);
  const box = sample.bbox;
  return (
    <div
      role="option"
      aria-selected={selected}
      tabIndex={0}
      className={`ds-cell${selected ? ' is-selected' : ''}`}
      data-testid="datasets.cell"
      data-sample-id={sample.id}
      title={`${sample.name} · ${sample.width}×${sample.height}`}
      aria-label={`${sample.name}, class ${sample.className}${split ? `, ${split}` : ''}${box ? ', has a box' : ''}`}
      onClick={(e) => onClick(sample.id, e)}
      onDoubleClick={() => onOpen(sample)}
      onKeyDown={(e) => {
        if (e.key === 'Enter') onOpen(sample);
        else if (e.key === ' ') {
          e.preventDefault();
          onClick(sample.id, e);
        }
      }}
    >
      <div className="ds-cell-picture" style={{ height: size }}>
        <div className="ds-cell-frame" style={{ width: fit.width, height: fit.height }}>
          {url ? <img src={url} alt="" width={fit.width} height={fit.height} draggable={false} data-testid="datasets.thumb" /> : <div className="ds-cell-placeholder" />}
          {box && (
            <div
              className="ds-cell-box"
              data-testid="datasets.cellBox"
              style={{ left: `${box[0] * 100}%`, top: `${box[1] * 100}%`, width: `${(box[2] - box[0]) * 100}%`, height: `${(box[3] - box[1]) * 100}%` }}
            />
          )}
        </div>
        {split && <span className={`ds-split ds-split-${split}`}>{split}</span>}
      </div>
      <div className="ds-cell-class">{sample.className}</div>
    </div>
  );
});
