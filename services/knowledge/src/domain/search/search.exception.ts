export enum SearchErrorCode {
  EmptyQuery = 'search.empty-query',
  QueryTooLong = 'search.query-too-long',
  InvalidLanguage = 'search.invalid-language',
  InvalidLimit = 'search.invalid-limit',
  InvalidDocument = 'search.invalid-document',
  InvalidThreshold = 'search.invalid-threshold',
}

/** Raised for input the search cannot serve; the transport layer maps `code` to a 4xx problem. */
export class SearchException extends Error {
  constructor(
    readonly code: SearchErrorCode,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'SearchException';
  }
}
