export interface ProblemFieldError {
  field: string;
  message: string;
}

export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail?: string;
  errors?: ProblemFieldError[];
  [extension: string]: unknown;
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export const problemTitle = (status: number): string => TITLES[status] ?? 'Error';

/** Thrown by transport code (never domain code) to answer with a specific problem document. */
export class ProblemException extends Error {
  constructor(
    readonly status: number,
    readonly detail: string,
    readonly errors?: ProblemFieldError[],
    readonly headers?: Record<string, string>,
    readonly code?: string,
  ) {
    super(detail);
    this.name = 'ProblemException';
  }

  toProblem(): ProblemDetails {
    return problem(this.status, this.detail, this.errors, this.code);
  }
}

export function problem(status: number, detail?: string, errors?: ProblemFieldError[], code?: string): ProblemDetails {
  const slug = code ?? problemTitle(status).toLowerCase().replace(/\s+/g, '-');
  return {
    type: `https://errors.helpdesk.local/${slug}`,
    title: problemTitle(status),
    status,
    ...(detail ? { detail } : {}),
    ...(errors && errors.length > 0 ? { errors } : {}),
  };
}

/** A service maps its own typed domain errors to problems; undefined means "not mine". */
export type DomainErrorMapper = (error: unknown) => ProblemException | undefined;
