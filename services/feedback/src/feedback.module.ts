import { Module, type DynamicModule } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { PlatformModule, ServiceInfrastructure, type AppLogger } from '@helpdesk/platform';
import { FEEDBACK_MIGRATIONS } from '../migrations';
import { AnswerSurveyUseCase } from './application/answer-survey.usecase';
import { CancelSurveyUseCase } from './application/cancel-survey.usecase';
import { DispatchDueSurveysUseCase } from './application/dispatch-due-surveys.usecase';
import { FileComplaintUseCase } from './application/file-complaint.usecase';
import { HandleCustomerMessageUseCase } from './application/handle-customer-message.usecase';
import { NotifyFollowUpResolvedUseCase } from './application/notify-follow-up-resolved.usecase';
import { ProjectMetricsEventUseCase } from './application/project-metrics-event.usecase';
import { QueryMetricsUseCase } from './application/query-metrics.usecase';
import { RebuildMetricsUseCase } from './application/rebuild-metrics.usecase';
import { RecordSurveyAnswerUseCase } from './application/record-survey-answer.usecase';
import { RecordTicketContextUseCase } from './application/record-ticket-context.usecase';
import { RequestFollowUpUseCase } from './application/request-follow-up.usecase';
import { ScheduleSurveyUseCase } from './application/schedule-survey.usecase';
import { SendSurveyUseCase } from './application/send-survey.usecase';
import type { FeedbackConfig } from './config';
import { Clock } from './infrastructure/clock';
import { ComplaintRepository } from './infrastructure/complaint.repository';
import { FollowUpRepository } from './infrastructure/follow-up.repository';
import { MetricsRepository } from './infrastructure/metrics.repository';
import { RedisRebuildStatusStore } from './infrastructure/rebuild-status.store';
import { SurveySettingsRepository } from './infrastructure/survey-settings.repository';
import { SurveyTokens } from './infrastructure/survey-tokens';
import { SurveyRepository } from './infrastructure/survey.repository';
import { TicketContextRepository } from './infrastructure/ticket-context.repository';
import { ComplaintsController } from './transport/complaints.controller';
import { CustomerMessagesConsumer } from './transport/customer-messages.consumer';
import { mapFeedbackError } from './transport/feedback-error.mapper';
import { MetricsEventsConsumer } from './transport/metrics-events.consumer';
import { MetricsController } from './transport/metrics.controller';
import { SurveyDispatchScheduler } from './transport/survey-dispatch.scheduler';
import { SurveySettingsController } from './transport/survey-settings.controller';
import { SurveysController } from './transport/surveys.controller';
import { TicketLifecycleConsumer } from './transport/ticket-lifecycle.consumer';

@Module({})
export class FeedbackModule {
  static register(config: FeedbackConfig, logger: AppLogger): DynamicModule {
    return {
      module: FeedbackModule,
      imports: [
        PlatformModule.forService({
          service: 'feedback',
          config,
          logger,
          dataSource: { migrations: FEEDBACK_MIGRATIONS },
          mapDomainError: mapFeedbackError,
        }),
      ],
      controllers: [SurveysController, SurveySettingsController, ComplaintsController, MetricsController],
      providers: [
        Clock,
        SurveyTokens,
        TicketContextRepository,
        SurveyRepository,
        SurveySettingsRepository,
        FollowUpRepository,
        ComplaintRepository,
        MetricsRepository,
        RequestFollowUpUseCase,
        SendSurveyUseCase,
        ScheduleSurveyUseCase,
        CancelSurveyUseCase,
        DispatchDueSurveysUseCase,
        RecordTicketContextUseCase,
        NotifyFollowUpResolvedUseCase,
        RecordSurveyAnswerUseCase,
        AnswerSurveyUseCase,
        FileComplaintUseCase,
        HandleCustomerMessageUseCase,
        ProjectMetricsEventUseCase,
        QueryMetricsUseCase,
        {
          provide: RebuildMetricsUseCase,
          useFactory: (
            infra: ServiceInfrastructure,
            dataSource: DataSource,
            metrics: MetricsRepository,
            project: ProjectMetricsEventUseCase,
          ) =>
            new RebuildMetricsUseCase(dataSource, infra.kafka, metrics, project, {
              groupPrefix: config.KAFKA_GROUP_PREFIX,
              timeoutMs: config.METRICS_REBUILD_TIMEOUT_MS,
            }, new RedisRebuildStatusStore(infra.redis)),
          inject: [ServiceInfrastructure, DataSource, MetricsRepository, ProjectMetricsEventUseCase],
        },
        TicketLifecycleConsumer,
        CustomerMessagesConsumer,
        MetricsEventsConsumer,
        SurveyDispatchScheduler,
      ],
    };
  }
}
