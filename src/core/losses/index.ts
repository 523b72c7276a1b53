export { softmaxCrossEntropy } from './softmaxCrossEntropy.ts';
export { createMarginHead } from './marginHead.ts';
export type { MarginHead, MarginLossConfig } from './marginHead.ts';
export { boxLoss } from './boxLoss.ts';
export type { BoxLossKind } from './boxLoss.ts';
export { multiTaskLoss } from './multiTaskLoss.ts';
export type { LossTerm, MultiTaskLoss } from './multiTaskLoss.ts';
export { stopGradient } from './stopGradient.ts';
