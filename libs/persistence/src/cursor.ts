/** Opaque keyset cursor for `{ items, nextCursor }` lists: the last row's sort key and id. */
export interface CursorPosition {
  at: string;
  id: string;
}

export class InvalidCursorError extends Error {
  constructor() {
    super('cursor is not valid');
    this.name = 'InvalidCursorError';
  }
}

export function encodeCursor(position: CursorPosition): string {
  return Buffer.from(JSON.stringify([position.at, position.id]), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): CursorPosition {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(parsed) && parsed.length === 2 && typeof parsed[0] === 'string' && typeof parsed[1] === 'string') {
      if (Number.isNaN(Date.parse(parsed[0]))) throw new InvalidCursorError();
      return { at: parsed[0], id: parsed[1] };
    }
  } catch {
    // fall through to the typed error
  }
  throw new InvalidCursorError();
}

export const clampLimit = (limit: number | undefined, fallback = 50, max = 200): number =>
  Math.min(Math.max(Math.trunc(limit ?? fallback), 1), max);
