/** `--name value`, `--name=value` and bare `--flag` options. */
export class Args {
  private readonly values = new Map<string, string>();

  constructor(argv: readonly string[]) {
    for (let i = 0; i < argv.length; i++) {
      const arg = argv[i] ?? '';
      if (!arg.startsWith('--')) continue;
      const eq = arg.indexOf('=');
      if (eq > 0) {
        this.values.set(arg.slice(2, eq), arg.slice(eq + 1));
        continue;
      }
      const next = argv[i + 1];
      if (next !== undefined && !next.startsWith('--')) {
        this.values.set(arg.slice(2), next);
        i++;
      } else {
        this.values.set(arg.slice(2), 'true');
      }
    }
  }

  flag(name: string): boolean {
    const v = this.values.get(name);
    return v !== undefined && v !== 'false' && v !== '0';
  }

  string(name: string, fallback: string): string {
    return this.values.get(name) ?? fallback;
  }

  number(name: string, fallback: number): number {
    const v = this.values.get(name);
    if (v === undefined) return fallback;
    const n = Number(v);
    if (!Number.isFinite(n)) throw new Error(`--${name} must be a number, got ${v}`);
    return n;
  }

  numbers(name: string, fallback: readonly number[]): number[] {
    const v = this.values.get(name);
    if (v === undefined) return [...fallback];
    const list = v.split(',').filter((s) => s.trim() !== '').map(Number);
    if (list.some((n) => !Number.isFinite(n))) throw new Error(`--${name} must be a comma-separated list of numbers, got ${v}`);
    return list;
  }

  list(name: string): string[] {
    const v = this.values.get(name);
    return v === undefined ? [] : v.split(',').map((s) => s.trim()).filter((s) => s !== '');
  }
}
