import { describe, expect, it } from 'vitest';
import { clearStepUpFailures, recordStepUpFailure, stepUpRetryAfter } from './throttle';

describe('step-up throttle', () => {
  it('blocks after five wrong codes within five minutes, then lets the user try again', () => {
    const t0 = 1_000_000;
    for (let i = 0; i < 4; i++) recordStepUpFailure('u1', t0 + i);
    expect(stepUpRetryAfter('u1', t0 + 10)).toBe(0);
    recordStepUpFailure('u1', t0 + 5);
    expect(stepUpRetryAfter('u1', t0 + 10)).toBeGreaterThan(4 * 60_000);
    expect(stepUpRetryAfter('u1', t0 + 5 * 60_000 + 10)).toBe(0);
    expect(stepUpRetryAfter('u2', t0 + 10)).toBe(0);
    recordStepUpFailure('u3', t0);
    clearStepUpFailures('u3');
    expect(stepUpRetryAfter('u3', t0)).toBe(0);
  });
});
