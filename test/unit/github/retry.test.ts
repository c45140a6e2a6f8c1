import assert from 'node:assert/strict';
import { nextLink } from '../../../src/sources/github/client';
import { DEFAULT_RETRY_POLICY, retryDecision, type FailedResponse } from '../../../src/sources/github/retry';

const NOW = Date.parse('2026-01-10T00:00:00Z');
const res = (status: number, headers: FailedResponse['headers'] = {}, message = ''): FailedResponse => ({ status, headers, message });
const delay = (r: FailedResponse, attempt = 0) => {
  const d = retryDecision(r, attempt, NOW, DEFAULT_RETRY_POLICY);
  return d.retry ? d.delayMs : null;
};

describe('GitHub retry rules', () => {
  it('honours Retry-After on 403 and 429', () => {
    assert.equal(delay(res(403, { 'retry-after': '7' }, 'You have exceeded a secondary rate limit.')), 7000);
    assert.equal(delay(res(429, { 'retry-after': '2' })), 2000);
  });

  it('waits until x-ratelimit-reset when the primary limit is used up', () => {
    const reset = String(NOW / 1000 + 90);
    assert.equal(delay(res(403, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset }, 'API rate limit exceeded')), 91_000);
    // A reset already past still waits the rounding second, never a negative time.
    assert.equal(delay(res(429, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(NOW / 1000 - 5) })), 1000);
  });

  it('waits at least a minute, doubling, for a secondary limit that names no time', () => {
    const r = res(403, {}, 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.');
    assert.deepEqual([delay(r, 0), delay(r, 1), delay(r, 2)], [60_000, 120_000, 240_000]);
  });

  it('backs off exponentially on 5xx and network failures', () => {
    assert.deepEqual([delay(res(502), 0), delay(res(503), 1), delay(res(500), 2), delay(res(504), 3)], [1000, 2000, 4000, 8000]);
  });

  it('gives up quickly on a request that got no response at all', () => {
    const refused: FailedResponse = { status: 500, headers: {}, message: 'connect ECONNREFUSED 127.0.0.1:9', noResponse: true };
    assert.deepEqual([delay(refused, 0), delay(refused, 1), delay(refused, 2)], [1000, 2000, null]);
  });

  it('does not retry permission, auth, missing, validation or not-modified answers, nor past the retry limit', () => {
    assert.equal(delay(res(403, { 'x-ratelimit-remaining': '4999' }, 'Resource not accessible by personal access token')), null);
    for (const s of [304, 401, 404, 422]) assert.equal(delay(res(s)), null, String(s));
    assert.equal(delay(res(502), DEFAULT_RETRY_POLICY.maxRetries), null);
  });

  it('finds rel="next" in a GitHub Link header', () => {
    const link =
      '<https://api.github.com/repositories/1300192/pulls?state=all&page=1>; rel="prev", <https://api.github.com/repositories/1300192/pulls?state=all&page=3>; rel="next", <https://api.github.com/repositories/1300192/pulls?state=all&page=9>; rel="last"';
    assert.equal(nextLink(link), 'https://api.github.com/repositories/1300192/pulls?state=all&page=3');
    assert.equal(nextLink('<https://api.github.com/x?page=1>; rel="first"'), null);
    assert.equal(nextLink(undefined), null);
  });
});
