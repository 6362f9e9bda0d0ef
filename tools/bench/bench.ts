/**
 * `npm run bench`: drives the four running services over HTTP as a partner integration would and
 * prints what the system does on this machine, beside this machine's raw Kafka and PostgreSQL limits.
 *
 *   npm run bench                       # ~6-9 minutes
 *   npm run bench -- --quick            # ~3 minutes, fewer and shorter phases
 *   npm run bench -- --rates 100,500 --phase-seconds 30 --max-seconds 60 --concurrency 96
 *   npm run bench -- --skip raw,in-process      # only the end-to-end phases
 *   npm run bench -- --infra shared     # the usual 9092/5432 servers instead of the bench's own
 *
 * Nothing here asserts a speed: it prints figures and writes them to reports/bench.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { readFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { Args } from './lib/args';
import { HttpClient, isRecord, jsonBody, stringField } from './lib/http-client';
import { KafkaTap, waitForDrain } from './lib/kafka-tap';
import { runClosedLoop, runOpenLoop, type SendOutcome, type SendStats } from './lib/load-driver';
import { MessageMix } from './lib/message-mix';
import { ProcSampler, withDescendants, type ProcessUsage, type SampleTarget, type WindowUsage } from './lib/proc-sampler';
import { kafkaProducerLimit, postgresInsertLimit, type KafkaPerfFigures, type PgbenchFigures } from './lib/raw-limits';
import { BenchStack, REPO_ROOT, freshTopics, infraFromEnv, livePid, postmasterPid, runId, type InfraSettings } from './lib/stack';
import { endToEndRate, stageReport, timingOf, type StageReport } from './lib/stage-latency';
import { BROKER, ceilingOf, cpuMsPerMessage, DATABASE, LOAD_GENERATOR, type Ceiling, type CeilingPhase } from './lib/ceiling';
import { fmt, round } from './lib/stats';
import { renderTable } from './lib/table';
import { countersBetween, databaseCounters, finishCensus, startCensus, type DatabaseCounters, type StatementCensus } from './lib/statement-census';
import type { InProcessFigures } from './in-process';

interface PhaseResult extends CeilingPhase {
  name: string;
  mode: 'warm-up' | 'fixed-rate' | 'max';
  offeredRate: number | null;
  concurrency: number | null;
  seconds: number;
  sent: number;
  skippedByClient: number;
  accepted: number;
  byStatus: Record<string, number>;
  acceptedPerSecond: number;
  /** Messages carried to a ticket per second, from the first send to the last ticket event. */
  endToEndPerSecond: number | null;
  completed: number;
  notCompleted: number;
  routedTickets: number;
  newTickets: number;
  /** Seconds after the last send until the last ticket event: the backlog the phase left. */
  backlogSeconds: number | null;
  stages: StageReport;
  usage: WindowUsage;
  /** One answer per non-202 status, as the service gave it. */
  errorSamples: Record<string, string>;
}

interface Machine {
  cpuModel: string;
  cores: number;
  memoryGb: number;
  loadAverageAtStart: number[];
  node: string;
}

function machine(): Machine {
  let cpuModel = cpus()[0]?.model ?? 'unknown';
  try {
    const m = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (m?.[1]) cpuModel = m[1].trim();
  } catch {
    // not Linux: os.cpus() names it
  }
  return { cpuModel, cores: cpus().length, memoryGb: round(totalmem() / 1024 ** 3, 1), loadAverageAtStart: loadavg().map((l) => round(l, 2)), node: process.version };
}

function log(message: string): void {
  process.stderr.write(`\x1b[1;34m[bench]\x1b[0m ${message}\n`);
}

function inProcessFigures(seconds: number, sizes: number[], queries: number): Promise<InProcessFigures | { error: string }> {
  return new Promise((resolvePromise) => {
    const child = spawn(
      process.execPath,
      ['--expose-gc', join(REPO_ROOT, 'tools', 'run-ts.js'), join(REPO_ROOT, 'tools', 'bench', 'in-process.ts'), '--seconds', String(seconds), '--sizes', sizes.join(','), '--queries', String(queries)],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (out += c.toString('utf8')));
    child.on('close', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('IN-PROCESS-JSON '));
      if (!line) return resolvePromise({ error: `in-process figures exited ${String(code)}: ${out.slice(-500)}` });
      resolvePromise(JSON.parse(line.slice('IN-PROCESS-JSON '.length)) as InProcessFigures);
    });
  });
}

function sampleTargets(stack: BenchStack, infra: InfraSettings): SampleTarget[] {
  const targets: SampleTarget[] = stack.list().map((s) => ({ name: s.name, pids: () => (s.pid ? [s.pid] : []) }));
  const kafkaPid = livePid(join(infra.localDir, 'kafka', 'kafka.pid'));
  if (kafkaPid) targets.push({ name: BROKER, pids: () => [kafkaPid] });
  const postmaster = postmasterPid(infra);
  if (postmaster) targets.push({ name: DATABASE, pids: () => withDescendants(postmaster) });
  targets.push({ name: LOAD_GENERATOR, pids: () => [process.pid] });
  return targets;
}

async function main(): Promise<void> {
  const args = new Args(process.argv.slice(2));
  const quick = args.flag('quick');
  const cfg = {
    rates: args.numbers('rates', quick ? [100, 250] : [100, 250, 500]),
    phaseSeconds: args.number('phase-seconds', quick ? 8 : 20),
    maxSeconds: args.number('max-seconds', quick ? 10 : 30),
    concurrency: args.number('concurrency', 64),
    warmupSeconds: args.number('warmup-seconds', quick ? 3 : 5),
    drainSeconds: args.number('drain-seconds', quick ? 45 : 90),
    kafkaRecords: args.number('kafka-records', quick ? 100_000 : 500_000),
    pgbenchSeconds: args.number('pgbench-seconds', quick ? 5 : 10),
    pgbenchClients: args.numbers('pgbench-clients', [1, 8]),
    classifySeconds: args.number('classify-seconds', quick ? 1 : 3),
    searchSizes: args.numbers('search-sizes', [10_000, 100_000]),
    searchQueries: args.number('search-queries', quick ? 500 : 2000),
    basePort: args.number('base-port', 4700),
    output: resolve(REPO_ROOT, args.string('output', 'reports/bench.json')),
    skip: new Set(args.list('skip')),
  };
  const infra = infraFromEnv();
  const id = runId();
  const tenantId = `bench-${id}`;
  const started = Date.now();
  const host = machine();
  log(`run ${id} on ${host.cores} × ${host.cpuModel}, ${host.memoryGb} GB; Kafka ${infra.kafkaBrokers.join(',')}, PostgreSQL ${infra.pgHost}:${infra.pgPort}/${infra.database} (${infra.dedicated ? "the bench's own" : 'shared'})`);

  // Raw limits and in-process figures first, while the services are not running to compete for the cores.
  let kafkaRaw: KafkaPerfFigures | { error: string } | null = null;
  const pgRaw: Array<PgbenchFigures | { error: string }> = [];
  if (!cfg.skip.has('raw')) {
    log(`Kafka ProducerPerformance: ${cfg.kafkaRecords.toLocaleString('en-US')} records of 1 KiB, acks=all`);
    kafkaRaw = await kafkaProducerLimit(infra, cfg.kafkaRecords).catch((err: unknown) => ({ error: String(err) }));
    for (const clients of cfg.pgbenchClients) {
      log(`pgbench: single-row INSERT transactions, ${clients} client(s), ${cfg.pgbenchSeconds} s`);
      pgRaw.push(await postgresInsertLimit(infra, clients, cfg.pgbenchSeconds).catch((err: unknown) => ({ error: String(err) })));
    }
  }
  let inProcess: InProcessFigures | { error: string } | null = null;
  if (!cfg.skip.has('in-process')) {
    log(`classification throughput and knowledge search at ${cfg.searchSizes.join(', ')} articles (separate process)`);
    inProcess = await inProcessFigures(cfg.classifySeconds, cfg.searchSizes, cfg.searchQueries);
  }

  const phases: PhaseResult[] = [];
  let crossCheck: Record<string, unknown> | null = null;
  let startup: Record<string, number> | null = null;
  let tapStats: Record<string, number> | null = null;
  let wholeRunUsage: WindowUsage | null = null;
  let census: StatementCensus | { error: string } | null = null;
  let conflicts: DatabaseCounters | { error: string } | null = null;
  const stack = new BenchStack(infra, { basePort: cfg.basePort, groupPrefix: 'bench.', logDir: join(REPO_ROOT, 'reports', 'bench-logs') });
  const interrupted = (): void => {
    void stack.stopAll().finally(() => process.exit(130));
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);

  if (!cfg.skip.has('load')) {
    log(`starting from empty topics: ${await freshTopics(infra, 'bench.')}`);
    log('migrating and starting ingestion, triage, knowledge, feedback');
    stack.migrate();
    startup = await stack.startAll();
    const apiKey = await stack.provisionTenant(tenantId);
    const tap = new KafkaTap(infra.kafkaBrokers, tenantId, `bench.tap.${id}`);
    await tap.start();
    const sampler = new ProcSampler(sampleTargets(stack, infra));
    sampler.start();
    const client = new HttpClient(stack.services.ingestion.baseUrl, 512);
    const mix = new MessageMix(id);
    const runStarted = Date.now();
    const censusStart = await startCensus(infra);
    const countersStart = await databaseCounters(infra).catch((err: unknown) => ({ error: String(err) }));
    try {
      const runPhase = async (name: string, mode: PhaseResult['mode'], send: (onOutcome: (o: SendOutcome) => void) => Promise<SendStats>): Promise<PhaseResult> => {
        const outcomes: SendOutcome[] = [];
        const phaseStarted = Date.now();
        log(`phase ${name}`);
        const stats = await send((o) => outcomes.push(o));
        const sendEnded = Date.now();
        const accepted = outcomes.filter((o) => o.status === 202 && o.messageId);
        await waitForDrain(() => accepted.filter((o) => !tap.done(o.messageId ?? '')).length, cfg.drainSeconds * 1000);
        // Routing may follow creation by a moment: give ticket.routed a short grace when routing is on.
        if (tap.routed.size > 0) await new Promise((r) => setTimeout(r, 1500));
        const timings = accepted.map((o) => timingOf(o, tap));
        const finals = timings.map((t) => t.finalAt).filter((v): v is number => v !== undefined);
        const lastFinal = finals.reduce((m, v) => (v > m ? v : m), -Infinity);
        const result: PhaseResult = {
          name,
          mode,
          offeredRate: stats.offeredRate,
          concurrency: stats.concurrency,
          seconds: round(stats.durationMs / 1000, 1),
          sent: stats.sent,
          skippedByClient: stats.skipped,
          accepted: accepted.length,
          byStatus: stats.byStatus,
          acceptedPerSecond: round(accepted.length / (stats.durationMs / 1000), 1),
          endToEndPerSecond: (() => {
            const r = endToEndRate(timings, phaseStarted);
            return r === null ? null : round(r, 1);
          })(),
          completed: finals.length,
          notCompleted: accepted.length - finals.length,
          routedTickets: timings.filter((t) => t.routed).length,
          newTickets: timings.filter((t) => !t.followUp).length,
          backlogSeconds: Number.isFinite(lastFinal) ? round(Math.max(0, lastFinal - sendEnded) / 1000, 1) : null,
          stages: stageReport(timings),
          usage: sampler.usage(phaseStarted, Number.isFinite(lastFinal) ? Math.max(sendEnded, lastFinal) : sendEnded),
          errorSamples: Object.fromEntries(
            [...new Set(outcomes.filter((o) => o.status !== 202).map((o) => o.status))].map((status) => [
              status === 0 ? 'no answer' : String(status),
              (outcomes.find((o) => o.status === status)?.error ?? '').slice(0, 300),
            ]),
          ),
        };
        log(
          `  ${result.accepted} accepted (${fmt(result.acceptedPerSecond)}/s), ${result.completed} carried to a ticket (${fmt(result.endToEndPerSecond)}/s end to end), ` +
            `p99 acceptance→ticket ${fmt(result.stages.endToEnd?.p99)} ms, ${result.notCompleted} not within ${cfg.drainSeconds} s`,
        );
        return result;
      };
      const target = { client, apiKey, mix };
      phases.push(await runPhase(`warm-up 50/s × ${cfg.warmupSeconds}s`, 'warm-up', (onOutcome) => runOpenLoop({ ...target, onOutcome }, 50, cfg.warmupSeconds * 1000)));
      for (const rate of cfg.rates) {
        phases.push(await runPhase(`${rate} msg/s × ${cfg.phaseSeconds}s`, 'fixed-rate', (onOutcome) => runOpenLoop({ ...target, onOutcome }, rate, cfg.phaseSeconds * 1000)));
      }
      if (cfg.maxSeconds > 0) {
        phases.push(
          await runPhase(`max: ${cfg.concurrency} clients × ${cfg.maxSeconds}s`, 'max', (onOutcome) => runClosedLoop({ ...target, onOutcome }, cfg.concurrency, cfg.maxSeconds * 1000)),
        );
      }
      census = await finishCensus(infra, censusStart);
      conflicts = isError(countersStart)
        ? countersStart
        : await databaseCounters(infra).then(
            (end) => countersBetween(countersStart, end),
            (err: unknown) => ({ error: String(err) }),
          );
      crossCheck = await httpCrossCheck(stack, apiKey, tap);
      tapStats = { records: tap.records, redeliveries: tap.redeliveries, restarts: tap.restarts, duplicateTickets: tap.duplicateTickets().length };
    } finally {
      sampler.stop();
      wholeRunUsage = sampler.usage(runStarted, Date.now());
      client.close();
      await tap.stop();
      log('stopping the services');
      await stack.stopAll();
    }
  }

  const report = buildReport({ id, tenantId, host, infra, cfg, kafkaRaw, pgRaw, inProcess, phases, crossCheck, startup, tapStats, wholeRunUsage, census, conflicts, seconds: round((Date.now() - started) / 1000, 0) });
  mkdirSync(dirname(cfg.output), { recursive: true });
  writeFileSync(cfg.output, JSON.stringify(report, null, 2) + '\n');
  process.stdout.write(printReport(report) + `\nwritten to ${cfg.output}\n`);
  process.exit(0);
}

/** Reads a sample of messages and their tickets back over HTTP, as an agent UI would, and compares with what Kafka showed. */
async function httpCrossCheck(stack: BenchStack, apiKey: string, tap: KafkaTap): Promise<Record<string, unknown>> {
  // Messages ingestion accepted: a follow-up ticket opened for feedback names its follow-up request instead.
  const ids = [...tap.created.keys()].filter((messageId) => tap.received.has(messageId)).slice(-100);
  let messageHasTicket = 0;
  let ticketMatches = 0;
  let ticketListsMessage = 0;
  let timelineHasRouted = 0;
  const problems: string[] = [];
  // Ingestion learns a message's ticket from triage's events, a moment after the bench's own tap does.
  const deadline = Date.now() + 60_000;
  let waitedMs = 0;
  for (const messageId of ids) {
    const read = async (): Promise<string | undefined> =>
      stringField(jsonBody(await stack.services.ingestion.http.json('GET', `/v1/messages/${messageId}`, apiKey)), 'ticketId');
    let ticketId = await read();
    const waitStarted = Date.now();
    while (!ticketId && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 250));
      ticketId = await read();
    }
    waitedMs += Date.now() - waitStarted;
    const expected = tap.created.get(messageId)?.ticketId;
    if (ticketId) messageHasTicket++;
    if (ticketId && ticketId === expected) ticketMatches++;
    const t = jsonBody(await stack.services.triage.http.json('GET', `/v1/tickets/${expected ?? '00000000-0000-4000-8000-000000000000'}`, apiKey));
    const messages = isRecord(t) && Array.isArray(t['messages']) ? t['messages'] : [];
    const events = isRecord(t) && Array.isArray(t['events']) ? t['events'] : [];
    if (messages.some((x) => stringField(x, 'messageId') === messageId)) ticketListsMessage++;
    else if (problems.length < 5) problems.push(`ticket ${String(expected)} does not list message ${messageId}`);
    if (events.some((e) => stringField(e, 'type') === 'ticket.routed')) timelineHasRouted++;
  }
  return { sampled: ids.length, waitedForTicketIdsMs: waitedMs, messageHasTicketId: messageHasTicket, ticketIdMatchesKafka: ticketMatches, ticketListsMessage, timelineHasRouted, problems };
}

interface ReportInput {
  id: string;
  tenantId: string;
  host: Machine;
  infra: InfraSettings;
  cfg: { rates: number[]; phaseSeconds: number; maxSeconds: number; concurrency: number; drainSeconds: number; kafkaRecords: number; pgbenchSeconds: number };
  kafkaRaw: KafkaPerfFigures | { error: string } | null;
  pgRaw: Array<PgbenchFigures | { error: string }>;
  inProcess: InProcessFigures | { error: string } | null;
  phases: PhaseResult[];
  crossCheck: Record<string, unknown> | null;
  startup: Record<string, number> | null;
  tapStats: Record<string, number> | null;
  wholeRunUsage: WindowUsage | null;
  census: StatementCensus | { error: string } | null;
  conflicts: DatabaseCounters | { error: string } | null;
  seconds: number;
}

interface Goal {
  goal: string;
  target: string;
  measured: number | null;
  unit: string;
  met: boolean | null;
}

function isError(value: unknown): value is { error: string } {
  return isRecord(value) && typeof value['error'] === 'string';
}

function buildReport(input: ReportInput): Record<string, unknown> & { goals: Goal[] } {
  const measured = input.phases.filter((p) => p.mode !== 'warm-up');
  const sustained = measured.reduce<number | null>((best, p) => (p.endToEndPerSecond !== null && (best === null || p.endToEndPerSecond > best) ? p.endToEndPerSecond : best), null);
  const acceptedMax = measured.reduce<number | null>((best, p) => (best === null || p.acceptedPerSecond > best ? p.acceptedPerSecond : best), null);
  const at500 = measured.find((p) => p.offeredRate === 500);
  const kafka = input.kafkaRaw && !isError(input.kafkaRaw) ? input.kafkaRaw : null;
  const pgBest = input.pgRaw.filter((p): p is PgbenchFigures => !isError(p)).reduce<PgbenchFigures | null>((b, p) => (b === null || p.tps > b.tps ? p : b), null);
  const ip = input.inProcess && !isError(input.inProcess) ? input.inProcess : null;
  const classification = ip && !isError(ip.classification) ? ip.classification.results : [];
  const fullClassifier = classification.find((r) => r.name.includes('model')) ?? classification[0];
  const search = ip && !isError(ip.search) ? ip.search : [];
  const search100k = search.find((s) => s.articles === 100_000);
  const goals: Goal[] = [
    { goal: 'sustained end-to-end throughput', target: '≥ 1,000 msg/s', measured: sustained, unit: 'msg/s', met: sustained === null ? null : sustained >= 1000 },
    {
      goal: 'p99 acceptance → routed at 500 msg/s',
      target: '≤ 300 ms',
      measured: at500?.stages.endToEndNewTickets?.p99 ?? null,
      unit: 'ms',
      met: at500?.stages.endToEndNewTickets ? at500.stages.endToEndNewTickets.p99 <= 300 : null,
    },
    {
      goal: `classification in-process (${fullClassifier?.name ?? 'n/a'})`,
      target: '≥ 20,000 /s',
      measured: fullClassifier ? Math.round(fullClassifier.perSecond) : null,
      unit: '/s',
      met: fullClassifier ? fullClassifier.perSecond >= 20_000 : null,
    },
    { goal: 'knowledge search p95 at 100,000 articles', target: '≤ 20 ms', measured: search100k?.p95 ?? null, unit: 'ms', met: search100k ? search100k.p95 <= 20 : null },
  ];
  return {
    runId: input.id,
    at: new Date().toISOString(),
    seconds: input.seconds,
    machine: input.host,
    infrastructure: {
      kafka: input.infra.kafkaBrokers.join(','),
      postgres: `${input.infra.pgHost}:${input.infra.pgPort}/${input.infra.database}`,
      redis: input.infra.redisUrl,
      dedicated: input.infra.dedicated,
    },
    tenantId: input.tenantId,
    settings: input.cfg,
    startupMs: input.startup,
    phases: input.phases,
    sustainedEndToEndPerSecond: sustained,
    maxAcceptedPerSecond: acceptedMax,
    rawLimits: {
      kafkaProducer: input.kafkaRaw,
      postgresInserts: input.pgRaw,
      ratios: {
        endToEndVsKafkaProducer: sustained !== null && kafka ? round(sustained / kafka.recordsPerSecond, 4) : null,
        endToEndVsPostgresInserts: sustained !== null && pgBest ? round(sustained / pgBest.tps, 4) : null,
        acceptedVsKafkaProducer: acceptedMax !== null && kafka ? round(acceptedMax / kafka.recordsPerSecond, 4) : null,
        acceptedVsPostgresInserts: acceptedMax !== null && pgBest ? round(acceptedMax / pgBest.tps, 4) : null,
      },
    },
    inProcess: input.inProcess,
    httpCrossCheck: input.crossCheck,
    kafkaTap: input.tapStats,
    wholeRunUsage: input.wholeRunUsage,
    databaseWork: databaseWork(input.census, input.conflicts, input.phases),
    databaseConflicts: input.conflicts,
    ceiling: ceilingOf(input.phases, input.host.cores),
    goals,
  };
}

interface DatabaseWork {
  statements: number;
  /** From pg_stat_database, as the conflicts are: null when those counters could not be read. */
  transactions: number | null;
  executionMs: number;
  acceptedMessages: number;
  statementsPerMessage: number;
  transactionsPerMessage: number | null;
  top: Array<{ calls: number; perMessage: number; totalMs: number; query: string }>;
}

function databaseWork(
  census: StatementCensus | { error: string } | null,
  counters: DatabaseCounters | { error: string } | null,
  phases: readonly PhaseResult[],
): DatabaseWork | { error: string } | null {
  if (census === null || isError(census)) return census;
  const accepted = phases.reduce((n, p) => n + p.accepted, 0);
  const per = (n: number): number => (accepted > 0 ? round(n / accepted, 2) : 0);
  const transactions = counters === null || isError(counters) ? null : counters.transactions;
  return {
    statements: census.statements,
    transactions,
    executionMs: census.executionMs,
    acceptedMessages: accepted,
    statementsPerMessage: per(census.statements),
    transactionsPerMessage: transactions === null ? null : per(transactions),
    top: census.top.map((r) => ({ calls: r.calls, perMessage: per(r.calls), totalMs: Math.round(r.totalMs), query: r.query })),
  };
}

function printReport(report: ReturnType<typeof buildReport>): string {
  const out: string[] = [];
  const phases = (report['phases'] ?? []) as PhaseResult[];
  const m = report['machine'] as Machine;
  out.push('', `helpdesk bench ${String(report['runId'])}: ${m.cores} cores (${m.cpuModel}), ${m.memoryGb} GB, Node ${m.node}, load average at start ${m.loadAverageAtStart.join(' ')}`);
  if (phases.length > 0) {
    out.push('', 'End to end over HTTP (POST /v1/messages → ticket event on triage.tickets.v1); latencies in ms');
    out.push(
      renderTable(
        ['phase', 'sent', 'accepted/s', 'e2e done/s', 'not done', 'backlog s', 'accept p99', 'e2e p50', 'e2e p95', 'e2e p99', 'routed', 'other status'],
        phases.map((p) => [
          p.name,
          fmt(p.sent),
          fmt(p.acceptedPerSecond, 1),
          fmt(p.endToEndPerSecond, 1),
          fmt(p.notCompleted),
          fmt(p.backlogSeconds, 1),
          fmt(p.stages.accept?.p99),
          fmt(p.stages.endToEndNewTickets?.p50),
          fmt(p.stages.endToEndNewTickets?.p95),
          fmt(p.stages.endToEndNewTickets?.p99),
          `${p.routedTickets}/${p.newTickets}`,
          Object.entries(p.byStatus)
            .filter(([s]) => s !== '202')
            .map(([s, n]) => `${s}×${n}`)
            .join(' ') || '–',
        ]),
      ),
    );
    for (const p of phases) {
      for (const [status, sample] of Object.entries(p.errorSamples)) out.push(`  ${p.name}: answer ${status}, e.g. ${sample.replace(/\s+/g, ' ').slice(0, 160)}`);
    }
    out.push('', 'Per stage, p50 / p95 / p99 ms (new tickets and follow-ups together)');
    const cell = (s: { p50: number; p95: number; p99: number } | null): string => (s ? `${fmt(s.p50)} / ${fmt(s.p95)} / ${fmt(s.p99)}` : '–');
    out.push(
      renderTable(
        ['phase', 'HTTP accept', 'ingestion outbox→Kafka', 'Kafka→triage ticket', 'triage outbox→Kafka', 'created→routed', 'follow-up joined'],
        phases.map((p) => [p.name, cell(p.stages.accept), cell(p.stages.ingestionRelay), cell(p.stages.kafkaToTriage), cell(p.stages.triageRelay), cell(p.stages.routing), cell(p.stages.endToEndFollowUps)]),
      ),
    );
    const names = phases[0]?.usage.processes.map((u) => u.name) ?? [];
    out.push('', 'CPU (% of one core, average over the phase and its backlog), resident memory peak (MB); "other work" is CPU used by processes outside this run');
    out.push(
      renderTable(
        ['phase', ...names, 'machine busy', 'other work'],
        phases.map((p) => [
          p.name,
          ...names.map((n) => {
            const u = p.usage.processes.find((x) => x.name === n);
            return u ? `${fmt(u.cpuAvgPercent)}% ${fmt(u.rssPeakMb)}MB` : '–';
          }),
          `${fmt(p.usage.machineBusyPercent)}%`,
          `${fmt(p.usage.otherWorkPercent)}%`,
        ]),
      ),
    );
  }
  const raw = report['rawLimits'] as { kafkaProducer: KafkaPerfFigures | { error: string } | null; postgresInserts: Array<PgbenchFigures | { error: string }>; ratios: Record<string, number | null> };
  out.push('', "This machine's raw limits");
  const rawRows: string[][] = [];
  if (raw.kafkaProducer) {
    rawRows.push(
      isError(raw.kafkaProducer)
        ? ['Kafka ProducerPerformance (1 KiB, acks=all)', 'error', raw.kafkaProducer.error.slice(0, 120)]
        : ['Kafka ProducerPerformance (1 KiB, acks=all)', `${fmt(raw.kafkaProducer.recordsPerSecond)} records/s`, `${fmt(raw.kafkaProducer.mbPerSecond, 1)} MB/s, avg ${fmt(raw.kafkaProducer.avgLatencyMs, 1)} ms, p99 ${fmt(raw.kafkaProducer.p99Ms)} ms`],
    );
  }
  for (const p of raw.postgresInserts) {
    rawRows.push(
      isError(p)
        ? ['pgbench single-row INSERT', 'error', p.error.slice(0, 120)]
        : [`pgbench single-row INSERT, ${p.clients} client(s)`, `${fmt(p.tps)} tx/s`, `latency avg ${fmt(p.latencyAvgMs, 2)} ms`],
    );
  }
  rawRows.push(['end to end ÷ Kafka producer', fmt(raw.ratios['endToEndVsKafkaProducer'], 4), `accepted ÷ Kafka producer ${fmt(raw.ratios['acceptedVsKafkaProducer'], 4)}`]);
  rawRows.push(['end to end ÷ pgbench INSERT (best)', fmt(raw.ratios['endToEndVsPostgresInserts'], 4), `accepted ÷ pgbench ${fmt(raw.ratios['acceptedVsPostgresInserts'], 4)}`]);
  out.push(renderTable(['measure', 'figure', 'detail'], rawRows));
  const ip = report['inProcess'] as InProcessFigures | { error: string } | null;
  if (ip) {
    out.push('', 'In-process (one thread, separate process)');
    const rows: string[][] = [];
    if (isError(ip)) rows.push(['in-process figures', 'error', ip.error.slice(0, 120)]);
    else {
      if (isError(ip.classification)) rows.push(['classification', 'error', ip.classification.error.slice(0, 120)]);
      else for (const r of ip.classification.results) rows.push([`classification: ${r.name}`, `${fmt(r.perSecond)} /s`, `${fmt(r.perCpuSecond)} per CPU-second, ${fmt(r.microsPerTicket, 1)} µs each`]);
      if (isError(ip.search)) rows.push(['search', 'error', ip.search.error.slice(0, 120)]);
      else for (const s of ip.search) rows.push([`search at ${fmt(s.articles)} articles`, `p95 ${fmt(s.p95, 2)} ms`, `p50 ${fmt(s.p50, 2)}, p99 ${fmt(s.p99, 2)} ms; CPU p95 ${fmt(s.cpuP95, 2)} ms; build ${fmt(s.buildMs)} ms`]);
    }
    out.push(renderTable(['measure', 'figure', 'detail'], rows));
  }
  const whole = report['wholeRunUsage'] as WindowUsage | null;
  if (whole) {
    out.push(
      '',
      `Processes over the whole load run (machine busy ${fmt(whole.machineBusyPercent)}% of all cores; other work on the machine used ${fmt(whole.otherWorkPercent)}% of one core)`,
    );
    // CPU per message moves less with other work on a shared machine than messages per second do.
    const accepted = phases.reduce((n, p) => n + p.accepted, 0);
    const perMessage = (u: ProcessUsage): string => (u.cpuSeconds === null || accepted === 0 ? '–' : fmt((u.cpuSeconds * 1000) / accepted, 2));
    out.push(
      renderTable(
        ['process', 'CPU avg %', 'CPU peak %', 'CPU ms per accepted message', 'RSS avg MB', 'RSS peak MB'],
        whole.processes.map((u) => [u.name, fmt(u.cpuAvgPercent), fmt(u.cpuPeakPercent), perMessage(u), fmt(u.rssAvgMb), fmt(u.rssPeakMb)]),
      ),
    );
    if (accepted > 0 && whole.processes.some((u) => u.name !== LOAD_GENERATOR && u.cpuSeconds !== null)) {
      out.push(
        `CPU per accepted message, services, broker and database together: ${fmt(cpuMsPerMessage(whole.processes, accepted), 2)} ms (${fmt(accepted)} messages, warm-up included)`,
      );
    }
  }
  const ceiling = report['ceiling'] as Ceiling | null;
  if (ceiling) {
    out.push(
      `In the phase that carried the most (${ceiling.phase}): ${fmt(ceiling.cpuMsPerMessage, 2)} ms of CPU a message, a ceiling of ${fmt(ceiling.messagesPerSecond)} msg/s on ${ceiling.cores} cores; ` +
        `the broker and PostgreSQL alone took ${fmt(ceiling.infrastructureCpuMsPerMessage, 2)} ms, ${fmt(ceiling.infrastructureOnlyMessagesPerSecond)} msg/s were the four services free`,
    );
  }
  const conflicts = report['databaseConflicts'] as DatabaseCounters | { error: string } | null;
  if (conflicts && isError(conflicts)) out.push('', `Database conflicts: not counted (${conflicts.error})`);
  else if (conflicts) {
    out.push(
      '',
      `Database conflicts of the load phases (pg_stat_database): ${fmt(conflicts.deadlocks)} deadlocks, ${fmt(conflicts.rollbacks)} of ${fmt(conflicts.transactions)} transactions rolled back`,
    );
  }
  const work = report['databaseWork'] as DatabaseWork | { error: string } | null;
  if (work && isError(work)) out.push('', `Database work: not counted (${work.error})`);
  else if (work) {
    out.push(
      '',
      `Database work of the load phases (pg_stat_statements): ${fmt(work.statements)} statements in ${fmt(work.transactions)} transactions for ${fmt(work.acceptedMessages)} accepted messages = ` +
        `${fmt(work.statementsPerMessage, 1)} statements and ${fmt(work.transactionsPerMessage, 1)} transactions per message; execution ${fmt(work.executionMs)} ms in all`,
    );
    out.push(renderTable(['calls', 'per message', 'total ms', 'statement'], work.top.map((r) => [fmt(r.calls), fmt(r.perMessage, 2), fmt(r.totalMs), r.query.slice(0, 110)])));
  }
  out.push('', 'Summary against the goals');
  out.push(
    renderTable(
      ['goal', 'target', 'measured', 'met'],
      report.goals.map((g) => [g.goal, g.target, g.measured === null ? '–' : `${fmt(g.measured, g.unit === 'ms' ? 1 : 0)} ${g.unit}`, g.met === null ? 'not measured' : g.met ? 'yes' : 'SHORT']),
    ),
  );
  const cc = report['httpCrossCheck'];
  if (isRecord(cc)) {
    out.push(
      '',
      `HTTP read-back of ${String(cc['sampled'])} tickets (waited ${String(cc['waitedForTicketIdsMs'])} ms for messages to show their ticket): message shows its ticketId ${String(cc['messageHasTicketId'])}, same ticket as Kafka ${String(cc['ticketIdMatchesKafka'])}, ticket lists the message ${String(cc['ticketListsMessage'])}, timeline has ticket.routed ${String(cc['timelineHasRouted'])}`,
    );
  }
  return out.join('\n');
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  // Services still running are killed on exit (see stack.ts).
  process.exit(1);
});
