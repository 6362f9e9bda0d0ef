export enum KnowledgeErrorCode {
  ArticleNotFound = 'knowledge.article-not-found',
  ArticleVersionNotFound = 'knowledge.article-version-not-found',
  VersionConflict = 'knowledge.version-conflict',
  TicketNotFound = 'knowledge.ticket-not-found',
  InvalidArticle = 'knowledge.invalid-article',
  InvalidSynonyms = 'knowledge.invalid-synonyms',
  InvalidRange = 'knowledge.invalid-range',
}

/** A request the knowledge base cannot serve; the transport layer maps `code` to a problem. */
export class KnowledgeException extends Error {
  constructor(
    readonly code: KnowledgeErrorCode,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'KnowledgeException';
  }
}
