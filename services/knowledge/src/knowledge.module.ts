import { Module, type DynamicModule } from '@nestjs/common';
import { PlatformModule, type AppLogger } from '@helpdesk/platform';
import { KNOWLEDGE_MIGRATIONS } from '../migrations';
import { AssociationRelearningService } from './application/association-relearning.service';
import { CreateArticleUseCase } from './application/create-article.usecase';
import { ImportArticlesUseCase } from './application/import-articles.usecase';
import { ListGapsUseCase } from './application/list-gaps.usecase';
import { RecordArticleFeedbackUseCase } from './application/record-article-feedback.usecase';
import { ReplaceSynonymsUseCase } from './application/replace-synonyms.usecase';
import { SearchArticlesUseCase } from './application/search-articles.usecase';
import { SearchIndexService } from './application/search-index.service';
import { SelfServiceStatsUseCase } from './application/self-service-stats.usecase';
import { SuggestArticlesForTicketUseCase } from './application/suggest-articles-for-ticket.usecase';
import { TrackAutoAnswerOutcomeUseCase } from './application/track-auto-answer-outcome.usecase';
import { UpdateArticleUseCase } from './application/update-article.usecase';
import { UpdateSelfServiceSettingsUseCase } from './application/update-self-service-settings.usecase';
import type { KnowledgeConfig } from './config';
import { ArticleFeedbackRepository } from './infrastructure/article-feedback.repository';
import { ArticleRepository } from './infrastructure/article.repository';
import { KnowledgeSettingsRepository } from './infrastructure/knowledge-settings.repository';
import { SelfServiceRepository } from './infrastructure/self-service.repository';
import { ArticleChangesConsumer } from './transport/article-changes.consumer';
import { ArticlesController } from './transport/articles.controller';
import { KnowledgeGrpc } from './transport/knowledge.grpc';
import { mapKnowledgeError } from './transport/knowledge-error.mapper';
import { SearchController } from './transport/search.controller';
import { SelfServiceController } from './transport/self-service.controller';
import { TicketsConsumer } from './transport/tickets.consumer';

@Module({})
export class KnowledgeModule {
  static register(config: KnowledgeConfig, logger: AppLogger): DynamicModule {
    return {
      module: KnowledgeModule,
      imports: [
        PlatformModule.forService({ service: 'knowledge', config, logger, dataSource: { migrations: KNOWLEDGE_MIGRATIONS }, mapDomainError: mapKnowledgeError }),
      ],
      controllers: [ArticlesController, SearchController, SelfServiceController],
      providers: [
        ArticleRepository,
        ArticleFeedbackRepository,
        KnowledgeSettingsRepository,
        SelfServiceRepository,
        SearchIndexService,
        AssociationRelearningService,
        CreateArticleUseCase,
        ImportArticlesUseCase,
        UpdateArticleUseCase,
        RecordArticleFeedbackUseCase,
        ReplaceSynonymsUseCase,
        UpdateSelfServiceSettingsUseCase,
        SearchArticlesUseCase,
        SuggestArticlesForTicketUseCase,
        TrackAutoAnswerOutcomeUseCase,
        ListGapsUseCase,
        SelfServiceStatsUseCase,
        ArticleChangesConsumer,
        TicketsConsumer,
        KnowledgeGrpc,
      ],
    };
  }
}
