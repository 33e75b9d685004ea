import { describe, expect, it } from 'vitest';
import { describeValue, requireInteger, requireNumber, requireObject, requireOneOf } from '../../src/util/check';

describe('describeValue', () => {
  it.each([
    [4, '4'], ['4', "'4' (a string)"], [null, 'null'], [undefined, 'undefined'], [true, 'true (a boolean)'],
    [[1, 2], '[1, 2] (an array of 2)'], [{ a: 1 }, 'an object'], [new Float32Array(3), 'a Float32Array of 3'], [NaN, 'NaN'],
  ])('%j reads as %s', (v, want) => expect(describeValue(v)).toBe(want));
});

describe('require*', () => {
  it('names the parameter, the range and the typed value', () => {
    expect(() => requireInteger('hidden', '16', { min: 1 })).toThrow("hidden must be an integer >= 1, got '16' (a string)");
    expect(() => requireInteger('batch', 2.5, { min: 1, max: 8 })).toThrow('batch must be an integer in [1, 8], got 2.5');
    expect(requireInteger('n', 3, { min: 1 })).toBe(3);
    expect(() => requireNumber('lr', Infinity, { min: 0, exclusiveMin: true })).toThrow('lr must be a finite number > 0, got Infinity');
    expect(() => requireNumber('p', 1.5, { min: 0, max: 1 })).toThrow('p must be a finite number >= 0 and <= 1, got 1.5');
    expect(() => requireOneOf('cell', 'lsmt', ['rnn', 'lstm'])).toThrow("cell must be one of 'rnn', 'lstm', got 'lsmt' (a string)");
    expect(() => requireObject('config', [1, 2])).toThrow('config must be an object, got [1, 2] (an array of 2)');
    expect(requireObject('config', { a: 1 })).toEqual({ a: 1 });
  });
});
