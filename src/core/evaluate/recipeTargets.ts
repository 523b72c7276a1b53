/** One bar a recipe's held-out test split must clear (`test_<metric>` in the run's summary). */
export interface RecipeTarget {
  metric: string;
  atLeast?: number;
  atMost?: number;
}

/**
 * What each example in examples/ (and so each Home card) must reach on its test split, from
 * issue 27: classifiers top-1 (002 and its ResNet-18 side ≥ 90 %, 004 ≥ 80 %), the tracker
 * mean IoU ≥ 0.5 and precision at IoU 0.5 above its confidence cut ≥ 70 %, the face
 * embeddings AUC ≥ 0.90 and EER ≤ 15 % (on at least ten held-out people, which
 * seedPresets.test.ts checks of their splits). Keyed by the example's file name.
 */
export const RECIPE_TARGETS: Readonly<Record<string, readonly RecipeTarget[]>> = {
  'shapes-demo.json': [{ metric: 'acc', atLeast: 0.9 }],
  '000-arcface-verification.json': [
    { metric: 'auc', atLeast: 0.9 },
    { metric: 'eer', atMost: 0.15 },
  ],
  '001-face-tracker.json': [
    { metric: 'iou', atLeast: 0.5 },
    { metric: 'precision_iou50', atLeast: 0.7 },
  ],
  '002-transfer-classification.json': [{ metric: 'acc', atLeast: 0.9 }],
  '002-transfer-classification-resnet18.json': [{ metric: 'acc', atLeast: 0.9 }],
  '003-cdml-verification.json': [
    { metric: 'auc', atLeast: 0.9 },
    { metric: 'eer', atMost: 0.15 },
  ],
  '004-expression-recognition.json': [{ metric: 'acc', atLeast: 0.8 }],
};
