import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { displayName, isValidUrlName, urlNameFor } from '../../src/plan/url-name.ts';

const none: ReadonlySet<string> = new Set();

describe('urlNameFor', () => {
  test('makes readable UrlNames from ordinary names', () => {
    const cases: [string, string][] = [
      ['Black & White', 'Black-White'],
      ['april gallery', 'April-gallery'],
      ['2019 Trip', '2019-Trip'],
      ['Café Été', 'Cafe-Ete'],
      ['Cafe\u0301 E\u0301te\u0301', 'Cafe-Ete'],
      ['Straße in Łódź', 'Strasse-in-Lodz'],
      ['Ｆｕｌｌ ｗｉｄｔｈ', 'Full-width'],
      ['  --hello--  ', 'Hello'],
      ['_x_', 'X'],
      ["Bob's 40th (party!)", 'Bob-s-40th-party'],
      ['My SmugMug Site Files (Do Not Delete)', 'My-SmugMug-Site-Files-Do-Not-Delete'],
      ['Hello 😀 World', 'Hello-World'],
      ['東京 2020', '2020'],
    ];
    for (const [name, expected] of cases) assert.equal(urlNameFor(name, none), expected, name);
  });

  test('uses the fallback when nothing usable is left', () => {
    assert.equal(urlNameFor('😀🎉', none, 'Gallery'), 'Gallery');
    assert.equal(urlNameFor('東京', none, 'Folder'), 'Folder');
    assert.equal(urlNameFor('&&&', none, 'Gallery'), 'Gallery');
    assert.equal(urlNameFor('', none, 'Folder'), 'Folder');
    assert.equal(urlNameFor('   ', none), 'Untitled');
    assert.equal(urlNameFor('!!!', none, '***'), 'Untitled');
    assert.equal(urlNameFor('&&&', new Set(['gallery']), 'Gallery'), 'Gallery-2');
  });

  test('keeps to 60 characters, cutting at a word boundary when that keeps most of the name', () => {
    const words = urlNameFor('word '.repeat(20), none);
    assert.equal(words, `Word${'-word'.repeat(11)}`);
    assert.equal(words.length, 59);
    assert.equal(urlNameFor('a'.repeat(70), none), `A${'a'.repeat(59)}`);
    // The only hyphen is near the start: a hard cut keeps more of the name.
    assert.equal(urlNameFor(`A ${'b'.repeat(70)}`, none), `A-${'b'.repeat(58)}`);
    // A hard cut that lands on a hyphen does not leave it dangling.
    assert.equal(urlNameFor(`${'c'.repeat(59)} ${'d'.repeat(20)}`, none), `C${'c'.repeat(58)}`);
  });

  test('is unique against taken names, case-insensitively, without changing the set', () => {
    const taken = new Set(['black-white', 'BLACK-WHITE-2']);
    assert.equal(urlNameFor('Black & White', taken), 'Black-White-3');
    assert.equal(taken.size, 2);
    assert.equal(urlNameFor('Black & White', new Set(['Other'])), 'Black-White');

    const long = `X${'x'.repeat(59)}`;
    assert.equal(urlNameFor(long, new Set([long])), `X${'x'.repeat(57)}-2`);
    const tenth = urlNameFor(
      long,
      new Set([long, ...[2, 3, 4, 5, 6, 7, 8, 9].map((n) => `X${'x'.repeat(57)}-${n}`)]),
    );
    assert.equal(tenth, `X${'x'.repeat(56)}-10`);

    const words = `Word${'-word'.repeat(11)}`;
    assert.equal(urlNameFor(words, new Set([words])), `Word${'-word'.repeat(10)}-2`);
  });

  test('hundreds of tricky names always give valid, unique, repeatable UrlNames', () => {
    const pieces = [
      'Black & White',
      'Black-White',
      'black white',
      'BLACK_WHITE',
      'Café',
      'Cafe\u0301',
      'CAFE',
      'Été',
      '😀',
      '👨‍👩‍👧‍👦',
      '🇫🇷',
      '東京',
      'Москва',
      '&',
      '&&&',
      ' ',
      '   ',
      '-',
      '--',
      '_',
      '.',
      '2019',
      '007',
      'april',
      'x',
      'ß',
      'Ø',
      '\t',
      'ǅ',
      'ﬁ',
      '①',
      `long ${'y'.repeat(40)}`,
      'z'.repeat(61),
      'Images from folder Kids',
    ];
    const random = mulberry32(20240607);
    const names: string[] = [];
    for (let i = 0; i < 400; i++) {
      const parts = 1 + Math.floor(random() * 4);
      let name = '';
      for (let p = 0; p < parts; p++) name += pieces[Math.floor(random() * pieces.length)];
      names.push(name);
    }
    // Repeat the list so every name meets its own twin among the same siblings.
    const siblings = [...names, ...names];

    const run = () => {
      const taken = new Set<string>();
      const out: string[] = [];
      for (const name of siblings) {
        const urlName = urlNameFor(name, taken, 'Gallery');
        assert.ok(isValidUrlName(urlName), `"${urlName}" from ${JSON.stringify(name)}`);
        assert.ok(urlName.length <= 60);
        assert.ok(!taken.has(urlName.toLowerCase()), `"${urlName}" from ${JSON.stringify(name)} repeats`);
        taken.add(urlName.toLowerCase());
        out.push(urlName);
      }
      return out;
    };
    const first = run();
    assert.equal(new Set(first.map((u) => u.toLowerCase())).size, siblings.length);
    assert.deepEqual(run(), first);
  });
});

describe('isValidUrlName', () => {
  test('accepts a capital letter or digit first, then letters, digits and hyphens, 60 at most', () => {
    for (const ok of ['A', '7', 'Black-White', '2019-trip', `A${'b'.repeat(59)}`]) {
      assert.equal(isValidUrlName(ok), true, ok);
    }
    for (const bad of ['', 'a', '-A', 'A B', 'Ünïcode', 'A_b', `A${'b'.repeat(60)}`, 'É']) {
      assert.equal(isValidUrlName(bad), false, bad);
    }
  });
});

describe('displayName', () => {
  test('trims, collapses whitespace and control characters, and composes accents', () => {
    assert.equal(displayName('  Summer   2024\t\n trip ', 'Untitled'), 'Summer 2024 trip');
    assert.equal(displayName('a\u0000b', 'Untitled'), 'a b');
    assert.equal(displayName('Cafe\u0301', 'Untitled'), 'Café');
    assert.equal(displayName('Black & White', 'Untitled'), 'Black & White');
    assert.equal(displayName('', 'Untitled'), 'Untitled');
    assert.equal(displayName(' \t\n ', 'Gallery'), 'Gallery');
  });

  test('keeps to 254 characters without splitting an emoji', () => {
    assert.equal(displayName('a'.repeat(300), 'X'), 'a'.repeat(254));
    assert.equal(displayName(`${'a'.repeat(253)}😀`, 'X'), 'a'.repeat(253));
    assert.equal(displayName('😀'.repeat(200), 'X'), '😀'.repeat(127));
    const family = '👨‍👩‍👧‍👦';
    assert.equal(displayName(`${'x'.repeat(250)}${family}`, 'X'), 'x'.repeat(250));
    assert.equal(displayName(`${'x'.repeat(243)}${family}`, 'X'), `${'x'.repeat(243)}${family}`);
    assert.equal(displayName(`${'x'.repeat(252)} ${family}`, 'X'), 'x'.repeat(252));
    for (let pad = 240; pad <= 256; pad++) {
      const input = `${'a'.repeat(pad)}${'😀'.repeat(10)}`;
      const out = displayName(input, 'X');
      assert.ok(out.isWellFormed(), `pad ${pad}`);
      assert.ok(input.startsWith(out));
      assert.equal(
        out.length,
        Math.min(pad, 254) + 2 * Math.max(0, Math.min(10, Math.floor((254 - pad) / 2))),
      );
    }
  });

  test('cuts a single overlong grapheme on a code point boundary', () => {
    const out = displayName(`e${'\u0301'.repeat(300)}`, 'X');
    assert.equal(out, `é${'\u0301'.repeat(253)}`);
  });
});

/** Small seeded generator so the property test is the same on every run. */
function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
