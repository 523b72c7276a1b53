import { describe, expect, it } from 'vitest';
import { parseLabelJson } from './labelJson.ts';

describe('parseLabelJson', () => {
  it("reads seed 001's format, with the class as a string, a number or a one-element list", () => {
    expect(parseLabelJson('{"class": "1", "bbox": [0.1, 0.2, 0.5, 0.6]}', 'l.json')).toEqual({ className: '1', bbox: [0.1, 0.2, 0.5, 0.6] });
    expect(parseLabelJson('{"class": 2, "bbox": [0, 0, 1, 1]}', 'l.json')).toEqual({ className: '2', bbox: [0, 0, 1, 1] });
    expect(parseLabelJson('{"class": [0], "bbox": [0, 0, 0, 0]}', 'l.json')).toEqual({ className: '0', bbox: [0, 0, 0, 0] });
    expect(parseLabelJson('{"class": "cat"}', 'l.json')).toEqual({ className: 'cat' });
    expect(parseLabelJson('{"class": "cat", "bbox": null}', 'l.json')).toEqual({ className: 'cat' });
  });

  it("normalizes labelme's pixel points (in any corner order) by the image size", () => {
    const text = JSON.stringify({
      shapes: [{ label: 'alice', points: [[300, 200], [60, 40]], shape_type: 'rectangle' }],
      imageWidth: 600,
      imageHeight: 400,
    });
    expect(parseLabelJson(text, 'x.json')).toEqual({ className: 'alice', bbox: [0.1, 0.1, 0.5, 0.5] });
    const outside = JSON.stringify({ shapes: [{ label: 'b', points: [[-5, 10], [650, 200], [30, 420]] }], imageWidth: 600, imageHeight: 400 });
    expect(parseLabelJson(outside, 'x.json').bbox).toEqual([0, 0.025, 1, 1]);
  });

  it('says which file and which field is wrong', () => {
    expect(() => parseLabelJson('{"class": "1", "bbox": [0.1, 2]}', 'labels/img3.json')).toThrow(
      'labels/img3.json: bbox must be 4 numbers in [0, 1], got [0.1, 2]',
    );
    expect(() => parseLabelJson('{"class": "1", "bbox": [0.5, 0.1, 0.2, 0.9]}', 'a.json')).toThrow('a.json: bbox must be [x1, y1, x2, y2] with x1 <= x2');
    expect(() => parseLabelJson('{"bbox": [0, 0, 1, 1]}', 'b.json')).toThrow('b.json: missing "class"');
    expect(() => parseLabelJson('{"class": ""}', 'c.json')).toThrow('c.json: class must be a non-empty string or a number, got ""');
    expect(() => parseLabelJson('{"class": 1,', 'd.json')).toThrow(/^d\.json: not valid JSON/);
    expect(() => parseLabelJson('[1]', 'e.json')).toThrow('e.json: must be a JSON object, got [1]');
    expect(() => parseLabelJson('{"shapes": [], "imageWidth": 1, "imageHeight": 1}', 'f.json')).toThrow('f.json: shapes must be a non-empty array');
    expect(() => parseLabelJson('{"shapes": [{"label": "a", "points": [[1, 2]]}], "imageWidth": 9, "imageHeight": 9}', 'g.json')).toThrow(
      'g.json: shapes[0].points must be at least 2 [x, y] pairs, got [[1, 2]]',
    );
    expect(() => parseLabelJson('{"shapes": [{"label": "a", "points": [[1, 2], [3, 4]]}], "imageHeight": 9}', 'h.json')).toThrow(
      'h.json: imageWidth must be a number > 0, got nothing',
    );
  });
});
