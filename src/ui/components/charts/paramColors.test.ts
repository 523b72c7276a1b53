import { describe, expect, it } from 'vitest';
import type { RunRecord } from '../../../storage/storageRecords.ts';
import { NO_VALUE_COLOR, paramColors } from './paramColors.ts';

const run = (id: string, params?: Record<string, number | string | boolean>) => ({ id, ...(params ? { remote: { params } } : {}) }) as unknown as RunRecord;

describe('paramColors', () => {
  it('spreads numbers from the first to the last viridis colour', () => {
    const colors = paramColors([run('a', { 'training.batchSize': 16 }), run('b', { 'training.batchSize': 64 }), run('c', { 'training.batchSize': 40 })], 'training.batchSize');
    expect(colors.get('a')).toBe('rgb(68 1 84)');
    expect(colors.get('b')).toBe('rgb(253 231 37)');
    // 40 is halfway between 16 and 64: viridis' middle stop.
    expect(colors.get('c')).toBe('rgb(33 145 140)');
  });

  it('places values spanning a factor of ten or more on a log scale', () => {
    const colors = paramColors([run('a', { lr: 1e-4 }), run('b', { lr: 1e-3 }), run('c', { lr: 1e-2 })], 'lr');
    expect(colors.get('b')).toBe('rgb(33 145 140)');
  });

  it('gives other values one even step each, in sorted order, and grey to a run without the parameter', () => {
    const colors = paramColors([run('a', { opt: 'sgd' }), run('b', { opt: 'adam' }), run('c')], 'opt');
    expect(colors.get('b')).toBe('rgb(68 1 84)');
    expect(colors.get('a')).toBe('rgb(253 231 37)');
    expect(colors.get('c')).toBe(NO_VALUE_COLOR);
  });
});
