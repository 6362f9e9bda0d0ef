import { parsePgLsClusters, planPostgresRestart } from './infra-control';

const clusters = parsePgLsClusters(
  ['15  main    5432 online postgres /var/lib/postgresql/15/main /var/log/postgresql/postgresql-15-main.log', '14  other   5433 down   postgres /var/lib/postgresql/14/other /var/log/x.log', ''].join('\n'),
);

describe('which PostgreSQL the drill may restart', () => {
  it('reads pg_lsclusters', () => {
    expect(clusters).toEqual([
      { version: '15', cluster: 'main', port: 5432, status: 'online' },
      { version: '14', cluster: 'other', port: 5433, status: 'down' },
    ]);
  });

  it("restarts the server this checkout's scripts started with pg_ctl", () => {
    expect(planPostgresRestart({ startedByUs: true, localDir: '/r/.local', isRoot: false, port: 5432, clusters })).toEqual({
      kind: 'pg_ctl',
      dataDir: '/r/.local/postgres/data',
      logFile: '/r/.local/postgres/postgres.log',
    });
  });

  it("restarts the machine's cluster on the port in use only as root", () => {
    expect(planPostgresRestart({ startedByUs: false, localDir: '/r/.local', isRoot: true, port: 5432, clusters })).toEqual({ kind: 'pg_ctlcluster', version: '15', cluster: 'main' });
    expect(planPostgresRestart({ startedByUs: false, localDir: '/r/.local', isRoot: false, port: 5432, clusters })).toMatchObject({ kind: 'skip' });
  });

  it('leaves any other server alone', () => {
    expect(planPostgresRestart({ startedByUs: false, localDir: '/r/.local', isRoot: true, port: 6543, clusters })).toMatchObject({ kind: 'skip' });
    expect(planPostgresRestart({ startedByUs: false, localDir: '/r/.local', isRoot: true, port: 5433, clusters })).toMatchObject({ kind: 'skip' });
  });
});
