import type { LayerFactory, SymbolicTensor } from './layerFactory.ts';

export interface BackboneOptions {
  /** Embedding width for networks that end in their own embedding (IResNet). */
  embeddingSize: number;
  /** Dropout rate for the network's own dropout in front of its embedding (IResNet). */
  dropout: number;
}

/**
 * What a family builder hands to the heads. `features` is the last feature map
 * `[B, H, W, C]` (or `[B, C]` for the MLP); the two-head tracker pools it itself.
 */
export interface Backbone {
  features: SymbolicTensor;
  /**
   * The vector a head starts from. Most families pool `features` (global average);
   * IResNet returns its own embedding (BN → dropout → flatten → dense → BN).
   */
  vector: (f: LayerFactory) => SymbolicTensor;
  /** True when `vector` already is the network's embedding, so no second one is stacked on it. */
  endsInEmbedding: boolean;
  /**
   * The family's reference classifier up to its last linear layer (torchvision's, used
   * when head.hidden is empty so parameter counts compare with the literature), and the
   * dropout rate the reference puts in front of that last layer.
   */
  classic: { neck: (f: LayerFactory) => SymbolicTensor; dropout: number };
}

export type BackboneBuilder = (f: LayerFactory, input: SymbolicTensor, opts: BackboneOptions) => Backbone;

/** Global average pooling of a feature map; a vector passes through unchanged. */
export function pooled(f: LayerFactory, features: SymbolicTensor): SymbolicTensor {
  return features.shape.length === 4 ? f.globalAvgPool(features, 'avg_pool') : features;
}

/** The common case: heads start from the pooled features, the classic classifier is one linear layer. */
export function pooledBackbone(features: SymbolicTensor, classicDropout = 0): Backbone {
  let vector: SymbolicTensor | undefined;
  const pool = (f: LayerFactory) => (vector ??= pooled(f, features));
  return { features, vector: pool, endsInEmbedding: false, classic: { neck: pool, dropout: classicDropout } };
}
