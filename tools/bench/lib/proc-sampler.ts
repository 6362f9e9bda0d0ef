import { readdirSync, readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { cpus } from 'node:os';

/** utime + stime of /proc/<pid>/stat, in clock ticks. The command name may hold spaces and parentheses. */
export function parseProcStat(text: string): { ppid: number; cpuTicks: number; comm: string } | null {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) return null;
  const fields = text.slice(close + 2).trim().split(/\s+/);
  // After the name: state(0) ppid(1) … utime(11) stime(12).
  const ppid = Number(fields[1]);
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  if (![ppid, utime, stime].every(Number.isFinite)) return null;
  return { ppid, cpuTicks: utime + stime, comm: text.slice(open + 1, close) };
}

/** VmRSS of /proc/<pid>/status in kB. */
export function parseVmRssKb(text: string): number | null {
  const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(text);
  return m ? Number(m[1]) : null;
}

/** Aggregate busy and total jiffies from the first line of /proc/stat. */
export function parseMachineCpu(text: string): { busy: number; total: number } | null {
  const line = text.split('\n')[0] ?? '';
  if (!line.startsWith('cpu ')) return null;
  const v = line.trim().split(/\s+/).slice(1).map(Number);
  const idle = (v[3] ?? 0) + (v[4] ?? 0);
  const total = v.slice(0, 8).reduce((s, x) => s + x, 0);
  return { busy: total - idle, total };
}

/** What to sample: a fixed pid, or a set resolved at each sample (e.g. a process and its children). */
export interface SampleTarget {
  name: string;
  pids: () => number[];
}

export interface ProcessUsage {
  name: string;
  /** Share of one core, averaged over the window (100 = one core busy). */
  cpuAvgPercent: number | null;
  cpuPeakPercent: number | null;
  /** CPU time used in the window (user + system), in seconds. */
  cpuSeconds: number | null;
  rssAvgMb: number | null;
  rssPeakMb: number | null;
}

export interface WindowUsage {
  processes: ProcessUsage[];
  /** All cores together (100 = every core busy). */
  machineBusyPercent: number | null;
  /** CPU used by everything else on the machine, in % of one core: other work competing for the cores. */
  otherWorkPercent: number | null;
}

interface Snapshot {
  at: number;
  ticks: Map<string, number>;
  rssKb: Map<string, number>;
  machine: { busy: number; total: number } | null;
}

let ticksPerSecond: number | undefined;
function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

function read(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

/** The pid and all its descendants (PostgreSQL's backends, for one). */
export function withDescendants(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = read(`/proc/${entry}/stat`);
    const parsed = stat ? parseProcStat(stat) : null;
    if (!parsed) continue;
    const list = children.get(parsed.ppid) ?? [];
    list.push(Number(entry));
    children.set(parsed.ppid, list);
  }
  const out: number[] = [];
  const stack = [root];
  while (stack.length > 0) {
    const pid = stack.pop() ?? 0;
    out.push(pid);
    stack.push(...(children.get(pid) ?? []));
  }
  return out;
}

/** Samples CPU time and resident memory of named processes from /proc once a second. */
export class ProcSampler {
  private readonly samples: Snapshot[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly targets: SampleTarget[],
    private readonly intervalMs = 1000,
  ) {}

  start(): void {
    this.sample();
    this.timer = setInterval(() => this.sample(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.sample();
  }

  private sample(): void {
    const ticks = new Map<string, number>();
    const rssKb = new Map<string, number>();
    for (const t of this.targets) {
      let cpu = 0;
      let rss = 0;
      let seen = false;
      for (const pid of t.pids()) {
        const stat = read(`/proc/${pid}/stat`);
        const parsed = stat ? parseProcStat(stat) : null;
        const status = read(`/proc/${pid}/status`);
        const kb = status ? parseVmRssKb(status) : null;
        if (!parsed) continue;
        seen = true;
        cpu += parsed.cpuTicks;
        rss += kb ?? 0;
      }
      if (seen) {
        ticks.set(t.name, cpu);
        rssKb.set(t.name, rss);
      }
    }
    const machineText = read('/proc/stat');
    this.samples.push({ at: Date.now(), ticks, rssKb, machine: machineText ? parseMachineCpu(machineText) : null });
  }

  /** Usage per target between two wall-clock instants (ms). */
  usage(from: number, to: number): WindowUsage {
    const window = this.samples.filter((s) => s.at >= from - this.intervalMs && s.at <= to + this.intervalMs);
    const hz = clockTicks();
    const processes = this.targets.map((t): ProcessUsage => {
      const cpuRates: number[] = [];
      let totalTicks = 0;
      let totalMs = 0;
      for (let i = 1; i < window.length; i++) {
        const a = window[i - 1];
        const b = window[i];
        const ta = a?.ticks.get(t.name);
        const tb = b?.ticks.get(t.name);
        if (!a || !b || ta === undefined || tb === undefined || tb < ta) continue;
        const ms = b.at - a.at;
        if (ms <= 0) continue;
        totalTicks += tb - ta;
        totalMs += ms;
        cpuRates.push(((tb - ta) / hz / (ms / 1000)) * 100);
      }
      const rss = window.map((s) => s.rssKb.get(t.name)).filter((v): v is number => v !== undefined);
      return {
        name: t.name,
        cpuAvgPercent: totalMs > 0 ? Math.round(((totalTicks / hz) / (totalMs / 1000)) * 100) : null,
        cpuPeakPercent: cpuRates.length > 0 ? Math.round(Math.max(...cpuRates)) : null,
        cpuSeconds: totalMs > 0 ? Math.round((totalTicks / hz) * 100) / 100 : null,
        rssAvgMb: rss.length > 0 ? Math.round(rss.reduce((s, v) => s + v, 0) / rss.length / 1024) : null,
        rssPeakMb: rss.length > 0 ? Math.round(Math.max(...rss) / 1024) : null,
      };
    });
    const first = window[0]?.machine;
    const last = window[window.length - 1]?.machine;
    const machineBusyPercent = first && last && last.total > first.total ? Math.round(((last.busy - first.busy) / (last.total - first.total)) * 100) : null;
    const ours = processes.reduce((sum, p) => sum + (p.cpuAvgPercent ?? 0), 0);
    const otherWorkPercent = machineBusyPercent === null ? null : Math.max(0, Math.round(machineBusyPercent * cpus().length - ours));
    return { processes, machineBusyPercent, otherWorkPercent };
  }
}
