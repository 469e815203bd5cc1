import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ALBUM_CAPACITY, assignOverflow, overflowKey, overflowName } from '../../src/plan/overflow.ts';

const perIndex = (assigned: Map<string, number>) => {
  const counts = new Map<number, number>();
  for (const index of assigned.values()) counts.set(index, (counts.get(index) ?? 0) + 1);
  return counts;
};

describe('overflow names and keys', () => {
  test('the first gallery keeps the plain name and key; later ones are numbered', () => {
    assert.equal(ALBUM_CAPACITY, 5000);
    assert.equal(overflowName('Rome', 1), 'Rome');
    assert.equal(overflowName('Rome', 2), 'Rome (2)');
    assert.equal(overflowName('Rome', 13), 'Rome (13)');
    assert.equal(overflowKey('D:Trips/Rome', 1), 'D:Trips/Rome');
    assert.equal(overflowKey('F:', 3), 'F://3');
  });

  test('long names are shortened so the numbered name stays within 254 characters', () => {
    assert.equal(overflowName('x'.repeat(254), 12), `${'x'.repeat(249)} (12)`);
    assert.equal(overflowName(`${'a'.repeat(249)}😀`, 2), `${'a'.repeat(249)} (2)`);
    assert.equal(overflowName(`${'a'.repeat(248)}😀`, 2), `${'a'.repeat(248)}😀 (2)`);
    assert.equal(overflowName(`${'a'.repeat(249)} b`, 2), `${'a'.repeat(249)} (2)`);
  });

  test('indexes below 1 are refused', () => {
    assert.throws(() => overflowName('Rome', 0), RangeError);
    assert.throws(() => overflowKey('D:', 1.5), RangeError);
  });
});

describe('assignOverflow', () => {
  test('5,001 new files: 5,000 in the first gallery, the last by name in the second', () => {
    const names = Array.from({ length: 5001 }, (_, i) => `IMG_${String(i).padStart(5, '0')}.jpg`);
    // Interleave so input order differs from name order.
    const files = [...names.filter((_, i) => i % 2 === 1), ...names.filter((_, i) => i % 2 === 0)].map(
      (name) => ({
        name,
      }),
    );
    const assigned = assignOverflow(files);
    assert.equal(assigned.size, 5001);
    assert.deepEqual(
      perIndex(assigned),
      new Map([
        [1, 5000],
        [2, 1],
      ]),
    );
    assert.equal(assigned.get('IMG_05000.jpg'), 2);
    assert.equal(assigned.get('IMG_00000.jpg'), 1);
    assert.equal(assigned.get('IMG_04999.jpg'), 1);
  });

  test('files already placed never move, even when new files sort before them', () => {
    const assigned = assignOverflow(
      [{ name: 'x.jpg', index: 1 }, { name: 'b.jpg' }, { name: 'y.jpg', index: 1 }, { name: 'a.jpg' }],
      3,
    );
    assert.deepEqual(
      assigned,
      new Map([
        ['x.jpg', 1],
        ['y.jpg', 1],
        ['a.jpg', 1],
        ['b.jpg', 2],
      ]),
    );
  });

  test('placed files keep their gallery even past capacity, and new files fill the lowest gallery with room', () => {
    const assigned = assignOverflow(
      [
        { name: 'p1', index: 1 },
        { name: 'p2', index: 1 },
        { name: 'p3', index: 1 },
        { name: 'p4', index: 1 },
        { name: 'q1', index: 3 },
        { name: 'n2' },
        { name: 'n1' },
        { name: 'n3' },
      ],
      3,
    );
    assert.deepEqual(
      assigned,
      new Map([
        ['p1', 1],
        ['p2', 1],
        ['p3', 1],
        ['p4', 1],
        ['q1', 3],
        ['n1', 2],
        ['n2', 2],
        ['n3', 2],
      ]),
    );
    assert.deepEqual(assignOverflow([{ name: 'late', index: 3 }, { name: 'new' }], 3).get('new'), 1);
  });

  test('images already in a gallery beyond the listed files count against its room', () => {
    const assigned = assignOverflow(
      [{ name: 'c' }, { name: 'a' }, { name: 'b' }],
      ALBUM_CAPACITY,
      new Map([[1, ALBUM_CAPACITY - 1]]),
    );
    assert.deepEqual(
      assigned,
      new Map([
        ['a', 1],
        ['b', 2],
        ['c', 2],
      ]),
    );
    const full = assignOverflow(
      [{ name: 'old', index: 2 }, { name: 'new' }],
      3,
      new Map([
        [1, 3],
        [2, 2],
      ]),
    );
    assert.deepEqual(
      full,
      new Map([
        ['old', 2],
        ['new', 3],
      ]),
    );
  });

  test('no files gives an empty assignment; bad input is refused', () => {
    assert.deepEqual(assignOverflow([]), new Map());
    assert.throws(() => assignOverflow([{ name: 'a' }, { name: 'a', index: 1 }]), /"a" is listed twice/);
    assert.throws(() => assignOverflow([{ name: 'a', index: 0 }]), RangeError);
    assert.throws(() => assignOverflow([{ name: 'a' }], 0), RangeError);
    assert.throws(() => assignOverflow([{ name: 'a' }], 3, new Map([[1, -1]])), RangeError);
  });
});
