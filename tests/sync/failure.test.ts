// What each kind of failure means: a plain reason, and whether a retry can help.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SmugMugError } from '../../src/smugmug/types.ts';
import { outcomeOf } from '../../src/sync/failure.ts';

const errno = (code: string) => Object.assign(new Error(code), { code });

test('local errors', () => {
  assert.deepEqual(outcomeOf(errno('EACCES')), {
    action: 'permanent',
    reason: 'cannot read file: permission denied',
  });
  assert.deepEqual(outcomeOf(errno('ENOENT')), {
    action: 'permanent',
    reason: 'file vanished before it could be uploaded (moved or deleted)',
  });
  assert.equal(outcomeOf(errno('EMFILE')).action, 'transient');
  assert.equal(outcomeOf(errno('EIO')).action, 'permanent');
  assert.match(outcomeOf(new Error('weird')).reason, /^unexpected error: weird$/);
});

test('SmugMug errors', () => {
  const up = (code: number, transient: boolean) =>
    new SmugMugError('upload-failed', `message ${code}`, { code, transient });
  assert.equal(outcomeOf(up(63, false)).action, 'gallery-full');
  assert.equal(outcomeOf(up(9, false)).action, 'gallery-missing');
  assert.equal(outcomeOf(new SmugMugError('not-found', 'gone')).action, 'gallery-missing');
  for (const code of [6, 64, 72]) {
    assert.deepEqual(outcomeOf(up(code, false)), {
      action: 'permanent',
      reason: `SmugMug refused this file: message ${code}`,
    });
  }
  assert.equal(outcomeOf(up(5, true)).action, 'transient');
  assert.equal(outcomeOf(new SmugMugError('auth', 'sign in again')).action, 'account');
  assert.match(outcomeOf(new SmugMugError('server', 'HTTP 503')).reason, /will try again on the next sync$/);
  assert.equal(outcomeOf(new SmugMugError('bad-request', 'HTTP 400')).action, 'permanent');
});
