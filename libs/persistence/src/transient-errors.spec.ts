import { QueryFailedError, QueryRunnerAlreadyReleasedError, QueryRunnerProviderAlreadyReleasedError } from 'typeorm';
import { isTransientDatabaseError } from './data-source';

describe('transient database errors', () => {
  it('count a connection lost mid-transaction (its query runner released) as transient', () => {
    expect(isTransientDatabaseError(new QueryRunnerProviderAlreadyReleasedError())).toBe(true);
    expect(isTransientDatabaseError(new QueryRunnerAlreadyReleasedError())).toBe(true);
    expect(isTransientDatabaseError(Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }))).toBe(true);
  });

  it('do not count bad data as transient', () => {
    const unique = new QueryFailedError('INSERT', [], Object.assign(new Error('duplicate key value'), { code: '23505' }));
    expect(isTransientDatabaseError(unique)).toBe(false);
    expect(isTransientDatabaseError(new Error('invalid input syntax for type uuid'))).toBe(false);
  });
});
