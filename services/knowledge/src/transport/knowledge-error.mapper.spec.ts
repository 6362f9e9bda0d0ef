import { InvalidCursorError } from '@helpdesk/persistence';
import { KnowledgeErrorCode, KnowledgeException } from '../application/knowledge.exception';
import { SearchErrorCode, SearchException } from '../domain/search';
import { mapKnowledgeError } from './knowledge-error.mapper';

describe('mapKnowledgeError', () => {
  it('answers unknown articles 404, version conflicts 409 and bad search input 400 with the field', () => {
    expect(mapKnowledgeError(new KnowledgeException(KnowledgeErrorCode.ArticleNotFound, 'article x not found'))?.toProblem()).toMatchObject({
      status: 404,
      type: 'https://errors.helpdesk.local/knowledge.article-not-found',
    });
    expect(mapKnowledgeError(new KnowledgeException(KnowledgeErrorCode.VersionConflict, 'moved on', 'expectedVersion'))?.status).toBe(409);
    const tooLong = mapKnowledgeError(new SearchException(SearchErrorCode.QueryTooLong, 'too long', 'q'))?.toProblem();
    expect(tooLong).toMatchObject({ status: 400, errors: [{ field: 'q', message: 'too long' }] });
    expect(mapKnowledgeError(new InvalidCursorError())?.status).toBe(400);
  });

  it('leaves errors it does not know to the platform', () => {
    expect(mapKnowledgeError(new Error('boom'))).toBeUndefined();
  });
});
