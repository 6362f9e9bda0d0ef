/**
 * `npm run drill`: failure drills against the four running services while a steady load runs, then
 * the ledger: every accepted message must be in exactly one ticket, no hostile request may get a 5xx,
 * and every service must be healthy at the end. Exits non-zero otherwise.
 *
 *   npm run drill                          # ~6-9 minutes
 *   npm run drill -- --quick               # shorter outages, 2 MB "big" bodies
 *   npm run drill -- --skip kafka,postgres # leave the infrastructure alone
 *   npm run drill -- --only hostile        # one drill (baseline always runs)
 *   npm run drill -- --infra shared        # the usual servers: Kafka/PostgreSQL drills only if this checkout started them
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { TOPIC_CATALOGUE, deadLetterTopic } from '@helpdesk/contracts';
import { Args } from '../bench/lib/args';
import { HttpClient, isRecord, jsonBody, stringField } from '../bench/lib/http-client';
import { KafkaTap, waitForDrain } from '../bench/lib/kafka-tap';
import { runOpenLoop, type SendOutcome } from '../bench/lib/load-driver';
import { MessageMix } from '../bench/lib/message-mix';
import { BenchStack, REPO_ROOT, SERVICE_NAMES, freshTopics, infraFromEnv, portInUse, runId, sleep, type ServiceName } from '../bench/lib/stack';
import { fmt, round, summarize } from '../bench/lib/stats';
import { renderTable } from '../bench/lib/table';
import { account, type AcceptedMessage, type Accounting, type TicketSnapshot } from './lib/accounting';
import { DeadLetterWatcher, subscriptionsByTopic } from './lib/dead-letters';
import { hostileRequests, operationsOf, type HostileRequest } from './lib/hostile';
import { currentPostgresPlan, infraScript, kafkaStartedByUs, restartPostgres } from './lib/infra-control';
import { backlogTotal, pipelineBacklog, type Backlog } from './lib/pipeline-backlog';
import { CrmSink } from './lib/crm-sink';
import { POISON_KINDS, poisonKeyPrefix, poisonRecords, type PoisonKind } from './lib/poison';
import { serverSideWarnings } from './lib/server-warnings';

type Outcome = 'passed' | 'failed' | 'skipped';

interface DrillResult {
  drill: string;
  outcome: Outcome;
  seconds: number;
  /** Load requests sent during the drill, by answer. */
  load: Record<string, number>;
  figures: Record<string, number | string | null>;
  notes: string[];
}

interface HostileFailure {
  service: ServiceName;
  operation: string;
  variant: string;
  status: number;
  ms: number;
  detail: string;
}

type DrillName = 'kafka' | 'triage' | 'postgres' | 'poison' | 'hostile';

function log(message: string): void {
  process.stderr.write(`\x1b[1;35m[drill]\x1b[0m ${message}\n`);
}

function statusCounts(outcomes: readonly SendOutcome[], from: number, to: number): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const o of outcomes) {
    if (o.sentAt < from || o.sentAt > to) continue;
    const k = o.status === 0 ? 'no answer' : String(o.status);
    counts[k] = (counts[k] ?? 0) + 1;
  }
  return counts;
}

async function main(): Promise<void> {
  const args = new Args(process.argv.slice(2));
  const quick = args.flag('quick');
  const only = new Set(args.list('only'));
  const skip = new Set(args.list('skip'));
  const cfg = {
    // Well under what the bench measures this 2-core machine carrying end to end, so the drills, not an
    // ever-growing backlog, decide the outcome; raise it with --rate on a bigger machine.
    rate: args.number('rate', 20),
    baselineSeconds: args.number('baseline-seconds', quick ? 5 : 15),
    outageSeconds: args.number('outage-seconds', quick ? 8 : 20),
    triageDownSeconds: args.number('triage-down-seconds', quick ? 3 : 8),
    settleSeconds: args.number('settle-seconds', quick ? 120 : 240),
    observeSeconds: args.number('observe-seconds', quick ? 3 : 10),
    bigBodyBytes: Math.round(args.number('big-body-mb', quick ? 2 : 10) * 1_000_000),
    hostileConcurrency: args.number('hostile-concurrency', 4),
    basePort: args.number('base-port', 4710),
    output: resolve(REPO_ROOT, args.string('output', 'reports/drill.json')),
  };
  const wanted = (d: DrillName): boolean => (only.size === 0 || only.has(d)) && !skip.has(d);
  const infra = infraFromEnv();
  const id = runId();
  const tenantId = `drill-${id}`;
  const groupPrefix = 'bench.drill.';
  const started = Date.now();
  log(`run ${id}: Kafka ${infra.kafkaBrokers.join(',')}, PostgreSQL ${infra.pgHost}:${infra.pgPort}/${infra.database} (${infra.dedicated ? "the drill's own" : 'shared'}), load ${cfg.rate} msg/s`);

  const stack = new BenchStack(infra, { basePort: cfg.basePort, groupPrefix, logDir: join(REPO_ROOT, 'reports', 'drill-logs') });
  const interrupted = (): void => {
    void stack.stopAll().finally(() => process.exit(130));
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);

  log(`starting from empty topics: ${await freshTopics(infra, groupPrefix)}`);
  stack.migrate();
  await stack.startAll();
  const apiKey = await stack.provisionTenant(tenantId);
  const crm = new CrmSink();
  const subscription = await stack.services.ingestion.http.json('POST', '/v1/webhooks', apiKey, { url: await crm.start(), eventTypes: ['*'], description: 'the drill tenant CRM' });
  if (subscription.status !== 201) throw new Error(`the drill CRM's webhook subscription was refused: ${subscription.status} ${subscription.body.toString('utf8').slice(0, 300)}`);
  const tap = new KafkaTap(infra.kafkaBrokers, tenantId, `${groupPrefix}tap.${id}`);
  await tap.start();
  const dlq = new DeadLetterWatcher(
    infra.kafkaBrokers,
    `${groupPrefix}dlq.${id}`,
    TOPIC_CATALOGUE.map((t) => deadLetterTopic(t.name)),
  );
  await dlq.start();

  const outcomes: SendOutcome[] = [];
  const hostileAccepted: AcceptedMessage[] = [];
  let stopLoad = false;
  const client = new HttpClient(stack.services.ingestion.baseUrl, 256);
  const mix = new MessageMix(id, 11);
  const load = runOpenLoop({ client, apiKey, mix, onOutcome: (o) => outcomes.push(o) }, cfg.rate, 3_600_000, { stop: () => stopLoad, maxInFlight: 500 });

  const drills: DrillResult[] = [];
  const hostileFailures: HostileFailure[] = [];
  let poisonDetail: Array<Record<string, unknown>> = [];
  let poisonCheck: (() => { missing: string[]; detail: Array<Record<string, unknown>> }) | undefined;
  const run = async (drill: string, fn: (r: DrillResult) => Promise<void>): Promise<void> => {
    const from = Date.now();
    const result: DrillResult = { drill, outcome: 'passed', seconds: 0, load: {}, figures: {}, notes: [] };
    log(drill);
    try {
      await fn(result);
    } catch (err) {
      result.outcome = 'failed';
      result.notes.push(`drill error: ${err instanceof Error ? err.message : String(err)}`);
    }
    result.seconds = round((Date.now() - from) / 1000, 1);
    result.load = statusCounts(outcomes, from, Date.now());
    drills.push(result);
    log(`  ${result.outcome}${result.notes.length > 0 ? `: ${result.notes.join('; ')}` : ''}`);
  };
  const skipped = (drill: string, reason: string): void => {
    drills.push({ drill, outcome: 'skipped', seconds: 0, load: {}, figures: {}, notes: [reason] });
    log(`${drill}: skipped: ${reason}`);
  };
  const recover = async (r: DrillResult, label: string): Promise<void> => {
    const ms = await stack.waitHealthy(180_000);
    // Keep the steady load's answers just after recovery in this drill's window too.
    await sleep(cfg.observeSeconds * 1000);
    r.figures[`${label} → all ready (s)`] = ms === null ? null : round(ms / 1000, 1);
    if (ms === null) {
      r.outcome = 'failed';
      const h = await stack.health();
      r.notes.push(`not healthy 180 s after ${label}: ${SERVICE_NAMES.filter((n) => !h[n].ok).map((n) => `${n} ${h[n].detail}`).join(', ')}`);
    }
  };

  try {
    await run(`baseline: ${cfg.rate} msg/s for ${cfg.baselineSeconds} s`, async (r) => {
      await sleep(cfg.baselineSeconds * 1000);
      const h = await stack.health();
      const down = SERVICE_NAMES.filter((n) => !h[n].ok);
      if (down.length > 0) {
        r.outcome = 'failed';
        r.notes.push(`not ready under the steady load: ${down.map((n) => `${n} ${h[n].status} ${h[n].detail}`).join(', ')}`);
      }
    });

    if (wanted('kafka')) {
      const pid = kafkaStartedByUs(infra);
      if (pid === undefined) {
        skipped(
          'Kafka stopped and restarted',
          `the broker on 127.0.0.1:${infra.kafkaPort} was not started by this checkout's deploy/local/infra.sh (no live ${join(infra.localDir, 'kafka', 'kafka.pid')}): refusing to stop a broker others may be using`,
        );
      } else {
        await run(`Kafka stopped for ${cfg.outageSeconds} s and restarted`, async (r) => {
          const stop = infraScript('kafka-stop');
          if (!stop.ok || (await portInUse(infra.kafkaPort))) throw new Error(`Kafka did not stop: ${stop.output}`);
          const downAt = Date.now();
          await sleep(Math.min(5000, cfg.outageSeconds * 1000));
          const during = await stack.health();
          r.figures['services reporting not ready while Kafka is down'] = SERVICE_NAMES.filter((n) => !during[n].ok).length;
          await sleep(Math.max(0, cfg.outageSeconds * 1000 - (Date.now() - downAt)));
          const start = infraScript('kafka-start');
          r.figures['Kafka down (s)'] = round((Date.now() - downAt) / 1000, 1);
          if (!start.ok) throw new Error(`Kafka did not start again: ${start.output}`);
          await recover(r, 'Kafka back');
        });
      }
    }

    if (wanted('triage')) {
      await run(`triage killed (SIGKILL), restarted after ${cfg.triageDownSeconds} s`, async (r) => {
        const triage = stack.services.triage;
        await triage.stop('SIGKILL');
        await sleep(cfg.triageDownSeconds * 1000);
        const ms = await triage.start(180_000);
        r.figures['triage start → ready (s)'] = round(ms / 1000, 1);
        await recover(r, 'triage restarted');
      });
    }

    if (wanted('postgres')) {
      const plan = currentPostgresPlan(infra);
      if (plan.kind === 'skip') skipped('PostgreSQL restarted', plan.reason);
      else {
        await run(`PostgreSQL restarted (${plan.kind})`, async (r) => {
          const t0 = Date.now();
          const result = restartPostgres(plan);
          r.figures['restart command (s)'] = round((Date.now() - t0) / 1000, 1);
          if (!result.ok) throw new Error(`restart failed: ${result.output.slice(-400)}`);
          await recover(r, 'PostgreSQL back');
        });
      }
    }

    if (wanted('poison')) {
      await run('poison messages on every topic', async (r) => {
        const subscriptions = await subscriptionsByTopic(infra.kafkaBrokers, groupPrefix, (g) => g.startsWith(`${groupPrefix}tap.`) || g.startsWith(`${groupPrefix}dlq.`));
        r.figures['consumer groups reading'] = [...subscriptions.values()].reduce((n, c) => n + c.length, 0);
        const records = TOPIC_CATALOGUE.flatMap((t) => poisonRecords(t.name, tenantId, id));
        const kafka = new Kafka({ clientId: 'helpdesk-drill', brokers: infra.kafkaBrokers, logLevel: logLevel.NOTHING });
        const producer = kafka.producer({ allowAutoTopicCreation: false });
        await producer.connect();
        try {
          for (const rec of records) await producer.send({ topic: rec.topic, acks: -1, messages: [{ key: rec.key, value: rec.value, headers: { 'tenant-id': tenantId } }] });
        } finally {
          await producer.disconnect();
        }
        // Every consumer of a topic dead-letters each kind of poison: the unreadable record, and the broken records of the types it acts on.
        const expected = TOPIC_CATALOGUE.flatMap((t) => (subscriptions.get(t.name) ?? []).flatMap((consumer) => POISON_KINDS.map((kind) => ({ topic: t.name, consumer, kind }))));
        const landed = (e: { topic: string; consumer: string; kind: PoisonKind }): boolean =>
          dlq.letters.some((l) => l.topic === deadLetterTopic(e.topic) && l.key.startsWith(poisonKeyPrefix(id, e.kind)) && l.consumer === e.consumer && l.reason !== '');
        poisonCheck = () => ({
          missing: expected.filter((e) => !landed(e)).map((m) => `${m.topic} ${m.kind} (${m.consumer})`),
          detail: TOPIC_CATALOGUE.map((t) => {
            const consumers = subscriptions.get(t.name) ?? [];
            const mine = dlq.letters.filter((l) => l.topic === deadLetterTopic(t.name) && l.key.startsWith(`drill-${id}-`));
            return {
              topic: t.name,
              consumers,
              expected: consumers.length * POISON_KINDS.length,
              landed: expected.filter((e) => e.topic === t.name && landed(e)).length,
              reasons: [...new Set(mine.map((l) => `${l.key.slice(`drill-${id}-`.length)}: ${l.reason.slice(0, 140)}`))].slice(0, 3),
            };
          }),
        });
        // A consumer with a backlog reaches the poison only after it: what is still missing is checked again after the settle.
        await waitForDrain(() => expected.filter((e) => !landed(e)).length, 120_000, 60_000);
        const now = poisonCheck();
        r.figures['poison records sent'] = records.length;
        r.figures['dead letters expected'] = expected.length;
        r.figures['dead letters with a reason (within 120 s)'] = expected.length - now.missing.length;
        const unread = TOPIC_CATALOGUE.filter((t) => (subscriptions.get(t.name) ?? []).length === 0).map((t) => t.name);
        if (unread.length > 0) r.notes.push(`no consumer reads ${unread.join(', ')}: nothing there to dead-letter`);
        await recover(r, 'poison');
      });
    }

    if (wanted('hostile')) {
      await run('hostile-input barrage on every public endpoint', async (r) => {
        const big = randomBytes(cfg.bigBodyBytes);
        const plan: Array<{ service: ServiceName; req: HostileRequest }> = [];
        for (const name of SERVICE_NAMES) {
          const doc = jsonBody(await stack.services[name].http.request('GET', '/openapi.json'));
          const ops = operationsOf(doc);
          r.figures[`${name} operations`] = ops.length;
          for (const op of ops) {
            for (const req of hostileRequests(op, { apiKey, tenantId, wechat: { tenantId: 'demo', token: process.env['DEMO_WECHAT_TOKEN'] ?? 'dev-wechat-token' }, bigBodyBytes: cfg.bigBodyBytes }, big)) {
              plan.push({ service: name, req });
            }
          }
        }
        // A connection per request: a server may rightly close one after refusing a request, and a reused
        // socket would then fail the next request for a reason that is not the server's.
        const clients = Object.fromEntries(SERVICE_NAMES.map((n) => [n, new HttpClient(stack.services[n].baseUrl, 16, false)])) as Record<ServiceName, HttpClient>;
        const statuses: Record<string, number> = {};
        // A service that stops answering (an event loop stuck on one request) would turn the rest of its
        // barrage into timeouts: after two in a row it gets 60 s to recover, then it is killed and restarted.
        const silentInARow = new Map<ServiceName, number>();
        const recovering = new Map<ServiceName, Promise<void>>();
        const hung: string[] = [];
        const recoverHung = async (service: ServiceName, after: HostileRequest): Promise<void> => {
          const runner = stack.services[service];
          const note = `${service} stopped answering after ${after.operation} [${after.variant}]`;
          log(`  ${note}: waiting up to 60 s`);
          const started = Date.now();
          while (Date.now() - started < 60_000 && !(await runner.ready()).ok) await sleep(2000);
          if ((await runner.ready()).ok) {
            hung.push(`${note}; answered again after ${round((Date.now() - started) / 1000, 0)} s`);
          } else {
            hung.push(`${note}; still silent after 60 s: killed and restarted`);
            log(`  ${service} still silent: SIGKILL and restart`);
            await runner.stop('SIGKILL');
            await runner.start(180_000);
          }
          silentInARow.set(service, 0);
        };
        const times: number[] = [];
        let closedOnOversized = 0;
        let next = 0;
        const worker = async (): Promise<void> => {
          while (next < plan.length) {
            const item = plan[next++];
            if (!item) break;
            const { service, req } = item;
            await recovering.get(service);
            const res = await clients[service].request(req.method, req.path, { headers: req.headers, body: req.body, timeoutMs: 30_000 });
            const silent = res.status === 0 && (res.error ?? '').startsWith('no response');
            silentInARow.set(service, silent ? (silentInARow.get(service) ?? 0) + 1 : 0);
            if (silent && (silentInARow.get(service) ?? 0) >= 2 && !recovering.has(service)) {
              const p = recoverHung(service, req).finally(() => recovering.delete(service));
              recovering.set(service, p);
            }
            times.push(res.ms);
            const key = res.status === 0 ? 'no answer' : `${Math.floor(res.status / 100)}xx`;
            statuses[key] = (statuses[key] ?? 0) + 1;
            if (res.status === 0 && req.oversized) closedOnOversized++;
            else if (res.status === 0 || res.status >= 500) {
              const failure = { service, operation: req.operation, variant: req.variant, status: res.status, ms: Math.round(res.ms), detail: (res.error ?? res.body.toString('utf8')).slice(0, 300) };
              hostileFailures.push(failure);
              log(`  ${failure.status === 0 ? 'no answer' : failure.status} after ${failure.ms} ms: ${service} ${failure.operation} [${failure.variant}] ${failure.detail.replace(/\s+/g, ' ').slice(0, 160)}`);
            }
            if (res.status === 202 && (req.operation === 'POST /v1/messages' || /email\/inbound/.test(req.path))) {
              const body = jsonBody(res);
              const messageId = stringField(body, 'messageId');
              if (messageId) {
                hostileAccepted.push({
                  messageId,
                  conversationId: stringField(body, 'conversationId') ?? '',
                  customerId: stringField(body, 'customerId') ?? '',
                  followUp: false,
                  source: `hostile: ${req.variant}`,
                  acceptedAt: Date.now(),
                });
              }
            }
          }
        };
        log(`  ${plan.length} requests against ${r.figures['ingestion operations'] ?? 0}+${r.figures['triage operations'] ?? 0}+${r.figures['knowledge operations'] ?? 0}+${r.figures['feedback operations'] ?? 0} operations`);
        const progress = setInterval(() => log(`  ${next}/${plan.length} sent, ${hostileFailures.length} 5xx or unanswered so far`), 20_000);
        await Promise.all(Array.from({ length: cfg.hostileConcurrency }, () => worker())).finally(() => {
          clearInterval(progress);
          for (const c of Object.values(clients)) c.close();
        });
        const latency = summarize(times);
        r.figures['requests'] = plan.length;
        for (const [k, v] of Object.entries(statuses).sort()) r.figures[`answered ${k}`] = v;
        r.figures['oversized bodies refused by closing the connection'] = closedOnOversized;
        r.figures['accepted as messages (must become tickets)'] = hostileAccepted.length;
        r.figures['slowest answer (ms)'] = latency ? Math.round(latency.max) : null;
        await Promise.all(recovering.values());
        if (hostileFailures.length > 0) {
          r.outcome = 'failed';
          r.notes.push(`${hostileFailures.length} request(s) got a 5xx or no answer`);
          // What the services themselves saw of slow and abandoned requests (logged at warn).
          for (const service of new Set(hostileFailures.map((f) => f.service))) {
            for (const line of serverSideWarnings(stack.services[service].logFile).slice(0, 5)) r.notes.push(`${service} log: ${line}`);
          }
        }
        if (hung.length > 0) {
          r.outcome = 'failed';
          r.notes.push(...hung);
        }
        const exited = stack.list().filter((s) => !s.running);
        if (exited.length > 0) {
          r.outcome = 'failed';
          r.notes.push(`process exited: ${exited.map((s) => s.name).join(', ')}`);
          for (const s of exited) await s.start().catch(() => undefined);
        }
        await recover(r, 'barrage');
      });
    }
  } finally {
    stopLoad = true;
    await load;
  }

  log(`settling: waiting up to ${cfg.settleSeconds} s for every accepted message to reach a ticket`);
  const accepted: AcceptedMessage[] = [
    ...outcomes
      .filter((o) => o.status === 202 && o.messageId)
      .map((o) => ({ messageId: o.messageId ?? '', conversationId: o.conversationId ?? '', customerId: o.customerId ?? '', followUp: o.planned.followUpOf !== undefined, source: 'steady load', acceptedAt: o.answeredAt })),
    ...hostileAccepted,
  ];
  const settle = await waitForDrain(() => accepted.filter((a) => !tap.done(a.messageId)).length, cfg.settleSeconds * 1000, 90_000);
  log(`verifying over HTTP: reading every ticket of tenant ${tenantId}`);
  let ledger = await verify(stack, apiKey, accepted);
  if (ledger.lost.length > 0) {
    await sleep(30_000);
    ledger = await verify(stack, apiKey, accepted);
  }
  // A message in a ticket that no 202 announced: find the answer its request got (the seq is in its metadata).
  const bySeq = new Map(outcomes.map((o) => [o.planned.seq, o]));
  const ticketedDespiteAnswer: Array<{ messageId: string; seq: number | null; status: number | null; answer: string }> = [];
  for (const messageId of ledger.notAcceptedButTicketed.slice(0, 30)) {
    const m = jsonBody(await stack.services.ingestion.http.json('GET', `/v1/messages/${messageId}`, apiKey));
    const metadata = isRecord(m) && isRecord(m['metadata']) ? m['metadata'] : {};
    const seq = typeof metadata['seq'] === 'number' && metadata['bench'] === id ? metadata['seq'] : null;
    const o = seq === null ? undefined : bySeq.get(seq);
    ticketedDespiteAnswer.push({ messageId, seq, status: o?.status ?? null, answer: (o?.error ?? '').slice(0, 200) });
  }
  // Still in flight is late, not lost: say which, so a slow machine is not mistaken for a lost message.
  const backlog: Backlog = await pipelineBacklog(infra, groupPrefix);
  const poisonDrill = drills.find((d) => d.drill.startsWith('poison'));
  if (poisonCheck && poisonDrill) {
    const final = poisonCheck();
    poisonDetail = final.detail;
    poisonDrill.figures['dead letters with a reason (after the settle)'] = Number(poisonDrill.figures['dead letters expected'] ?? 0) - final.missing.length;
    if (final.missing.length > 0) {
      poisonDrill.outcome = 'failed';
      poisonDrill.notes.push(`not on the dead-letter topic with a reason: ${final.missing.slice(0, 8).join(', ')}${final.missing.length > 8 ? ` and ${final.missing.length - 8} more` : ''}`);
    }
  }
  const finalHealth = await stack.health();
  const crashes = stack.list().flatMap((s) => s.unexpectedExits.map((e) => `${s.name} exited unexpectedly (${e.signal ?? String(e.code)}) at ${new Date(e.at).toISOString()}`));
  const ownDeadLetters = dlq.letters.filter((l) => l.tenantId === tenantId && !l.key.startsWith(`drill-${id}-`));
  const tapSummary = { records: tap.records, redeliveries: tap.redeliveries, restarts: tap.restarts, duplicateTicketsSeen: tap.duplicateTickets().length, settleWaitS: round(settle.waitedMs / 1000, 1), notSeenOnKafka: settle.remaining };
  await tap.stop();
  await dlq.stop();
  await crm.stop();
  client.close();
  log('stopping the services');
  await stack.stopAll();

  const failures: string[] = [];
  if (ledger.lost.length > 0) {
    failures.push(
      backlogTotal(backlog) > 0
        ? `${ledger.lost.length} accepted message(s) not in a ticket yet, with ${backlogTotal(backlog)} event(s) still in flight (${JSON.stringify(backlog)}): late, not proven lost; rerun with a longer --settle-seconds or a lower --rate`
        : `${ledger.lost.length} accepted message(s) in no ticket, with nothing left in flight: lost`,
    );
  }
  if (ledger.duplicated.length > 0) failures.push(`${ledger.duplicated.length} message(s) in more than one ticket or listed twice`);
  if (hostileFailures.length > 0) failures.push(`${hostileFailures.length} hostile request(s) got a 5xx or no answer`);
  const unhealthy = SERVICE_NAMES.filter((n) => !finalHealth[n].ok);
  if (unhealthy.length > 0) failures.push(`not healthy at the end: ${unhealthy.map((n) => `${n} (${finalHealth[n].detail})`).join(', ')}`);
  if (crashes.length > 0) failures.push(...crashes);
  for (const d of drills) if (d.outcome === 'failed') failures.push(`drill failed: ${d.drill}`);
  // A request the client gave up on (no answer) may rightly have been stored: retrying it with its
  // Idempotency-Key is safe. An error answer for a stored message is not.
  const answeredErrorYetStored = ticketedDespiteAnswer.filter((t) => t.status !== null && t.status !== 0 && t.status !== 202);
  if (answeredErrorYetStored.length > 0) {
    failures.push(
      `${ledger.notAcceptedButTicketed.length} message(s) in tickets without a 202; of ${ticketedDespiteAnswer.length} looked up, ${answeredErrorYetStored.length} had been answered ${[...new Set(answeredErrorYetStored.map((t) => t.status))].join('/')}: a client retrying them creates duplicates`,
    );
  }

  const loadTotals = statusCounts(outcomes, 0, Number.MAX_SAFE_INTEGER);
  const report = {
    runId: id,
    at: new Date().toISOString(),
    seconds: round((Date.now() - started) / 1000, 0),
    passed: failures.length === 0,
    failures,
    infrastructure: { kafka: infra.kafkaBrokers.join(','), postgres: `${infra.pgHost}:${infra.pgPort}/${infra.database}`, dedicated: infra.dedicated },
    tenantId,
    settings: cfg,
    load: { rate: cfg.rate, sent: outcomes.length, byStatus: loadTotals, errorSamples: errorSamples(outcomes) },
    drills,
    poison: poisonDetail,
    hostileFailures,
    ledger: {
      accepted: ledger.accepted,
      acceptedFromHostileInput: hostileAccepted.length,
      tickets: ledger.tickets,
      inExactlyOneTicket: ledger.inExactlyOneTicket,
      lost: ledger.lost.length,
      duplicated: ledger.duplicated.length,
      conversationsWithSeveralTickets: ledger.conversationsWithSeveralTickets.length,
      notAcceptedButTicketed: ledger.notAcceptedButTicketed.length,
      lostSamples: ledger.lost.slice(0, 20),
      duplicatedSamples: ledger.duplicated.slice(0, 20),
      conversationSamples: ledger.conversationsWithSeveralTickets.slice(0, 20),
    },
    backlogAtVerification: backlog,
    ticketedDespiteAnswer,
    ownEventsDeadLettered: ownDeadLetters.slice(0, 20),
    kafkaTap: tapSummary,
    crmWebhooks: crm.figures(),
    finalHealth,
    crashes,
  };
  mkdirSync(dirname(cfg.output), { recursive: true });
  writeFileSync(cfg.output, JSON.stringify(report, null, 2) + '\n');
  process.stdout.write(printReport(report, ledger) + `\nwritten to ${cfg.output}\n`);
  process.exit(failures.length === 0 ? 0 : 1);
}

function errorSamples(outcomes: readonly SendOutcome[]): Record<string, string> {
  const samples: Record<string, string> = {};
  for (const o of outcomes) {
    if (o.status === 202) continue;
    const k = o.status === 0 ? 'no answer' : String(o.status);
    samples[k] ??= (o.error ?? '').slice(0, 300);
  }
  return samples;
}

/** Reads every ticket of the tenant, and each one's message list, through triage's public API. */
async function verify(stack: BenchStack, apiKey: string, accepted: readonly AcceptedMessage[]): Promise<Accounting> {
  const triage = stack.services.triage.http;
  const ids: Array<{ id: string; conversationId: string; customerId: string }> = [];
  let cursor: string | null = null;
  for (let page = 0; page < 10_000; page++) {
    const res = await triage.json('GET', `/v1/tickets?limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, apiKey);
    const body = jsonBody(res);
    if (res.status !== 200 || !isRecord(body) || !Array.isArray(body['items'])) throw new Error(`GET /v1/tickets answered ${res.status}: ${res.body.toString('utf8').slice(0, 200)}`);
    for (const t of body['items']) {
      const tid = stringField(t, 'id');
      if (tid) ids.push({ id: tid, conversationId: stringField(t, 'conversationId') ?? '', customerId: stringField(t, 'customerId') ?? '' });
    }
    cursor = typeof body['nextCursor'] === 'string' ? body['nextCursor'] : null;
    if (!cursor) break;
  }
  const snapshots: TicketSnapshot[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < ids.length) {
      const t = ids[next++];
      if (!t) break;
      let res = await triage.json('GET', `/v1/tickets/${t.id}`, apiKey);
      if (res.status !== 200) res = await triage.json('GET', `/v1/tickets/${t.id}`, apiKey);
      const body = jsonBody(res);
      const messages = isRecord(body) && Array.isArray(body['messages']) ? body['messages'] : [];
      snapshots.push({
        ...t,
        messageIds: messages.filter((m) => stringField(m, 'direction') !== 'outbound').map((m) => stringField(m, 'messageId') ?? '').filter((m) => m !== ''),
      });
    }
  };
  await Promise.all(Array.from({ length: 8 }, () => worker()));
  return account(accepted, snapshots);
}

function printReport(
  report: {
    runId: string;
    passed: boolean;
    failures: string[];
    seconds: number;
    load: { rate: number; sent: number; byStatus: Record<string, number>; errorSamples: Record<string, string> };
    drills: DrillResult[];
    poison: Array<Record<string, unknown>>;
    hostileFailures: HostileFailure[];
    kafkaTap: Record<string, number>;
    crmWebhooks: { deliveries: number; events: number };
    finalHealth: Record<ServiceName, { ok: boolean; detail: string }>;
  },
  ledger: Accounting,
): string {
  const out: string[] = [];
  const statusText = (m: Record<string, number>): string =>
    Object.entries(m)
      .map(([k, v]) => `${k}×${v}`)
      .join(' ') || '–';
  out.push('', `helpdesk drill ${report.runId} (${report.seconds} s): steady load ${report.load.rate} msg/s, ${report.load.sent} sent (${statusText(report.load.byStatus)})`);
  out.push('');
  out.push(
    renderTable(
      ['drill', 'outcome', 's', 'load answers during it', 'figures', 'notes'],
      report.drills.map((d) => [
        d.drill,
        d.outcome === 'failed' ? 'FAILED' : d.outcome,
        fmt(d.seconds, 1),
        statusText(d.load),
        Object.entries(d.figures)
          .map(([k, v]) => `${k}: ${v === null ? '–' : String(v)}`)
          .join('; '),
        d.notes.join('; ').slice(0, 300),
      ]),
    ),
  );
  if (report.poison.length > 0) {
    out.push('', 'Poison messages (invalid JSON, wrong version, invalid payload) → <topic>.dlq');
    out.push(
      renderTable(
        ['topic', 'consumers', 'dead letters', 'a reason given'],
        report.poison.map((p) => [
          String(p['topic']),
          Array.isArray(p['consumers']) && p['consumers'].length > 0 ? p['consumers'].map(String).join(', ') : '(none)',
          `${String(p['landed'])}/${String(p['expected'])}`,
          Array.isArray(p['reasons']) ? String(p['reasons'][0] ?? '–').slice(0, 100) : '–',
        ]),
      ),
    );
  }
  if (report.hostileFailures.length > 0) {
    out.push('', 'Hostile requests that got a 5xx or no answer');
    out.push(
      renderTable(
        ['service', 'operation', 'variant', 'status', 'ms', 'answer'],
        report.hostileFailures.slice(0, 40).map((f) => [f.service, f.operation, f.variant, f.status === 0 ? 'none' : String(f.status), fmt(f.ms), f.detail.replace(/\s+/g, ' ').slice(0, 120)]),
      ),
    );
    if (report.hostileFailures.length > 40) out.push(`… and ${report.hostileFailures.length - 40} more in the JSON report`);
  }
  out.push('', 'Ledger: every accepted message in exactly one ticket');
  out.push(
    renderTable(
      ['accepted (202)', 'tickets', 'in exactly one ticket', 'lost', 'duplicated', 'conversations with >1 ticket (info)', 'ticket messages without a 202 (info)'],
      [[fmt(ledger.accepted), fmt(ledger.tickets), fmt(ledger.inExactlyOneTicket), fmt(ledger.lost.length), fmt(ledger.duplicated.length), fmt(ledger.conversationsWithSeveralTickets.length), fmt(ledger.notAcceptedButTicketed.length)]],
    ),
  );
  out.push(
    '(info: a second ticket in a conversation is normally a follow-up ticket, e.g. for a complaint; a message without a 202 is one whose',
    ' request timed out on the client side, or a message triage itself adds, such as a follow-up ticket’s text)',
  );
  out.push(
    '',
    `Kafka tap: ${report.kafkaTap['records'] ?? 0} records read, ${report.kafkaTap['redeliveries'] ?? 0} redelivered events, ${report.kafkaTap['duplicateTicketsSeen'] ?? 0} messages with two ticket.created`,
  );
  out.push(`CRM webhooks of the drill tenant (every event type): ${report.crmWebhooks.deliveries} deliveries received, ${report.crmWebhooks.events} distinct events`);
  out.push(`Health at the end: ${SERVICE_NAMES.map((n) => `${n} ${report.finalHealth[n].ok ? 'ready' : `NOT READY (${report.finalHealth[n].detail})`}`).join(', ')}`);
  for (const [status, sample] of Object.entries(report.load.errorSamples)) out.push(`load answer ${status}, e.g.: ${sample.replace(/\s+/g, ' ').slice(0, 200)}`);
  out.push('', report.passed ? 'DRILL PASSED' : `DRILL FAILED:\n  ${report.failures.join('\n  ')}`);
  return out.join('\n');
}

main().catch((err: unknown) => {
  process.stderr.write(`drill failed to run: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  // Services still running are killed on exit (see stack.ts).
  process.exit(1);
});
