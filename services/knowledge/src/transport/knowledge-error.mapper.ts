import { InvalidCursorError } from '@helpdesk/persistence';
import { ProblemException, type DomainErrorMapper } from '@helpdesk/platform';
import { KnowledgeErrorCode, KnowledgeException } from '../application/knowledge.exception';
import { SearchErrorCode, SearchException } from '../domain/search';

const knowledgeStatus = (code: KnowledgeErrorCode): number => {
  switch (code) {
    case KnowledgeErrorCode.ArticleNotFound:
    case KnowledgeErrorCode.ArticleVersionNotFound:
    case KnowledgeErrorCode.TicketNotFound:
      return 404;
    case KnowledgeErrorCode.VersionConflict:
      return 409;
    case KnowledgeErrorCode.InvalidArticle:
    case KnowledgeErrorCode.InvalidSynonyms:
    case KnowledgeErrorCode.InvalidRange:
      return 400;
  }
};

const searchStatus = (code: SearchErrorCode): number => {
  switch (code) {
    case SearchErrorCode.EmptyQuery:
    case SearchErrorCode.QueryTooLong:
    case SearchErrorCode.InvalidLanguage:
    case SearchErrorCode.InvalidLimit:
    case SearchErrorCode.InvalidDocument:
    case SearchErrorCode.InvalidThreshold:
      return 400;
  }
};

const fieldErrors = (field: string | undefined, message: string): { field: string; message: string }[] | undefined =>
  field ? [{ field, message }] : undefined;

export const mapKnowledgeError: DomainErrorMapper = (error) => {
  if (error instanceof InvalidCursorError) return new ProblemException(400, 'cursor is not valid', [{ field: 'cursor', message: 'invalid' }]);
  if (error instanceof KnowledgeException) {
    return new ProblemException(knowledgeStatus(error.code), error.message, fieldErrors(error.field, error.message), undefined, error.code);
  }
  if (error instanceof SearchException) {
    return new ProblemException(searchStatus(error.code), error.message, fieldErrors(error.field, error.message), undefined, error.code);
  }
  return undefined;
};
