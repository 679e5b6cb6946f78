/** Which database errors mean "busy or away, try again" (503) rather than a defect (500). */
import { isDatabaseUnavailable } from '../../src/db';

describe('isDatabaseUnavailable', () => {
  it('should count a query the embedded store cancelled at its statement timeout as unavailable', () => {
    const err = Object.assign(new Error('[msg_getmore.go:204 …] ERROR: canceling statement due to statement timeout (SQLSTATE 57014)'), { name: 'MongoServerError', code: 1 });
    expect(isDatabaseUnavailable(err)).toBe(true);
  });

  it('should count a lost connection as unavailable, and a duplicate key or a plain bug as not', () => {
    expect(isDatabaseUnavailable(Object.assign(new Error('connection closed'), { name: 'MongoNetworkError' }))).toBe(true);
    expect(isDatabaseUnavailable(Object.assign(new Error('E11000 duplicate key'), { name: 'MongoServerError', code: 11000 }))).toBe(false);
    expect(isDatabaseUnavailable(new TypeError('x is undefined'))).toBe(false);
    expect(isDatabaseUnavailable(null)).toBe(false);
  });
});
