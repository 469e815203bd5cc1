// Parsing the date strings EXIF and QuickTime hold, and converting between wall clocks and instants.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  instantOf,
  parseExifDateTime,
  parseIsoDateTime,
  parseOffset,
  type WallClock,
  wallClockIn,
  wallClockMs,
} from '../../src/library/wall-clock.ts';

const clock = (year: number, month: number, day: number, hour = 0, minute = 0, second = 0): WallClock => ({
  year,
  month,
  day,
  hour,
  minute,
  second,
});

describe('parseExifDateTime', () => {
  test('the EXIF form and the variants software writes', () => {
    const want = clock(2024, 7, 14, 18, 22, 1);
    for (const text of [
      '2024:07:14 18:22:01',
      '2024-07-14 18:22:01',
      '2024:07:14T18:22:01',
      '2024:07:14 18:22:01.123',
      '2024:07:14 18:22:01\u0000\u0000',
      ' 2024:07:14 18:22:01  ',
    ]) {
      assert.deepEqual(parseExifDateTime(text), want, JSON.stringify(text));
    }
  });

  test('blank, impossible and foreign values are null', () => {
    for (const value of [
      '0000:00:00 00:00:00',
      '    :  :     :  :  ',
      '2024:13:01 00:00:00',
      '2023:02:29 00:00:00',
      '2024:04:31 12:00:00',
      '2024:07:14 24:00:00',
      '2024:07:14 23:60:00',
      '2024:07:14',
      'yesterday',
      '',
      undefined,
      1721000000,
    ]) {
      assert.equal(parseExifDateTime(value), null, JSON.stringify(value));
    }
  });

  test('29 February only in leap years', () => {
    assert.deepEqual(parseExifDateTime('2020:02:29 12:00:00'), clock(2020, 2, 29, 12));
    assert.deepEqual(parseExifDateTime('2000:02:29 12:00:00'), clock(2000, 2, 29, 12));
    assert.equal(parseExifDateTime('1900:02:29 12:00:00'), null);
  });
});

describe('parseOffset', () => {
  test('EXIF and ISO zones in minutes east of UTC', () => {
    const table: [string, number][] = [
      ['+02:00', 120],
      ['-05:00', -300],
      ['+05:30', 330],
      ['+0545', 345],
      ['-09:30', -570],
      ['+14:00', 840],
      ['+00:00', 0],
      ['Z', 0],
      ['+01:00\u0000', 60],
    ];
    for (const [text, minutes] of table) assert.equal(parseOffset(text), minutes, text);
  });

  test('blank and impossible zones are null', () => {
    for (const value of ['   :  ', '+15:00', '+02:60', '02:00', '+2:00', '', null, 120]) {
      assert.equal(parseOffset(value), null, JSON.stringify(value));
    }
  });
});

describe('parseIsoDateTime', () => {
  test("Apple's creation date with its zone, in the forms seen", () => {
    assert.deepEqual(parseIsoDateTime('2024-07-14T18:22:01+0200'), {
      date: clock(2024, 7, 14, 18, 22, 1),
      offsetMinutes: 120,
    });
    assert.deepEqual(parseIsoDateTime('2024-07-14T18:22:01-04:00'), {
      date: clock(2024, 7, 14, 18, 22, 1),
      offsetMinutes: -240,
    });
    assert.deepEqual(parseIsoDateTime('2024-07-14T16:22:01.250Z'), {
      date: clock(2024, 7, 14, 16, 22, 1),
      offsetMinutes: 0,
    });
    assert.deepEqual(parseIsoDateTime('2024-07-14T18:22:01'), {
      date: clock(2024, 7, 14, 18, 22, 1),
      offsetMinutes: null,
    });
  });

  test('anything else is null', () => {
    for (const value of [
      '2024:07:14 18:22:01',
      '2024-07-14T18:22:01+2500',
      '2024-02-30T00:00:00Z',
      'now',
      null,
    ]) {
      assert.equal(parseIsoDateTime(value), null, JSON.stringify(value));
    }
  });
});

describe('instants and zones', () => {
  test('instantOf: 00:30 on 1 August at +02:00 is 22:30 on 31 July UTC', () => {
    assert.equal(instantOf(clock(2024, 8, 1, 0, 30, 5), 120).toISOString(), '2024-07-31T22:30:05.000Z');
    assert.equal(instantOf(clock(2019, 3, 10, 8, 15, 30), -300).toISOString(), '2019-03-10T13:15:30.000Z');
  });

  test('wallClockIn follows each zone, summer time included', () => {
    const instant = new Date('2024-07-31T22:30:05Z');
    assert.deepEqual(wallClockIn(instant, 'UTC'), clock(2024, 7, 31, 22, 30, 5));
    assert.deepEqual(wallClockIn(instant, 'Europe/Athens'), clock(2024, 8, 1, 1, 30, 5));
    assert.deepEqual(wallClockIn(instant, 'America/New_York'), clock(2024, 7, 31, 18, 30, 5));
    assert.deepEqual(
      wallClockIn(new Date('2024-01-15T12:00:00Z'), 'America/New_York'),
      clock(2024, 1, 15, 7),
    );
    assert.deepEqual(
      wallClockIn(new Date('2024-01-15T12:00:00Z'), 'Asia/Kolkata'),
      clock(2024, 1, 15, 17, 30),
    );
  });

  test('wallClockMs orders clocks, also in the first century', () => {
    assert.equal(wallClockMs(clock(2024, 7, 14, 18, 22, 1)), Date.parse('2024-07-14T18:22:01Z'));
    assert.equal(new Date(wallClockMs(clock(42, 1, 1))).getUTCFullYear(), 42);
  });
});
