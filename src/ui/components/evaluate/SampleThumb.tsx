import { useEvaluateStore } from '../../../store/evaluateStore.ts';
import { useSampleImageUrl } from '../datasets/SampleImageUrl.ts';

/** An evaluated sample's thumbnail (when its dataset is stored in the studio), with what the model said. */
export function SampleThumb({ sampleId, caption, children }: { sampleId: string; caption: string; children?: React.ReactNode }) {
  const hash = useEvaluateStore((s) => s.hashes.get(sampleId));
  const url = useSampleImageUrl(hash, 'thumb');
  return (
    <figure className="eval-thumb" data-sample-id={sampleId}>
      <div className="eval-thumb-image">
        {url ? <img src={url} alt={caption} /> : <div className="eval-thumb-missing" aria-label={caption} />}
        {children}
      </div>
      <figcaption>{caption}</figcaption>
    </figure>
  );
}
