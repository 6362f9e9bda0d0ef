import { toProblem } from './problem.filter';

describe('toProblem', () => {
  it('answers an exhausted connection pool with 503 and Retry-After, not 500', () => {
    const { body, headers } = toProblem(new Error('timeout exceeded when trying to connect'));
    expect(body).toMatchObject({ status: 503, title: 'Service Unavailable' });
    expect(headers).toEqual({ 'Retry-After': '2' });
  });

  it('answers a lost database connection (SQLSTATE class 08) with 503', () => {
    expect(toProblem(Object.assign(new Error('connection failure'), { code: '08006' })).body.status).toBe(503);
  });

  it('keeps a 500 without details for anything else', () => {
    const { body, headers } = toProblem(new TypeError('x is undefined'));
    expect(body).toMatchObject({ status: 500, detail: 'unexpected error; it has been logged' });
    expect(headers).toBeUndefined();
  });
});
