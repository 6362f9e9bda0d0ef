import { Module, type DynamicModule } from '@nestjs/common';
import { PlatformModule, type AppLogger } from '@helpdesk/platform';
import { TRIAGE_MIGRATIONS } from '../migrations';
import { AssignTicketUseCase } from './application/assign-ticket.usecase';
import { ClassifyTextUseCase } from './application/classify-text.usecase';
import { CloseResolvedTicketsUseCase } from './application/close-resolved-tickets.usecase';
import { CloseTicketUseCase } from './application/close-ticket.usecase';
import { CorrectTicketUseCase } from './application/correct-ticket.usecase';
import { DispatchWaitingUseCase } from './application/dispatch-waiting.usecase';
import { IntakeMessageUseCase } from './application/intake-message.usecase';
import { OpenFollowUpUseCase } from './application/open-follow-up.usecase';
import { ProcessDueSlaUseCase } from './application/process-due-sla.usecase';
import { ReopenTicketUseCase } from './application/reopen-ticket.usecase';
import { ReplyToTicketUseCase } from './application/reply-to-ticket.usecase';
import { ResolveTicketUseCase } from './application/resolve-ticket.usecase';
import { SaveAgentUseCase } from './application/save-agent.usecase';
import { SaveCalendarUseCase } from './application/save-calendar.usecase';
import { SaveLexiconUseCase } from './application/save-lexicon.usecase';
import { SaveQueueUseCase } from './application/save-queue.usecase';
import { SaveSlaPolicyUseCase } from './application/save-sla-policy.usecase';
import { SendAutoAnswerUseCase } from './application/send-auto-answer.usecase';
import { SetTicketPendingUseCase } from './application/set-ticket-pending.usecase';
import { SlaSettings } from './application/sla-settings.service';
import { TenantClassifiers } from './application/tenant-classifiers.service';
import { TicketRouter } from './application/ticket-router.service';
import { TicketSlaService } from './application/ticket-sla.service';
import { TrainClassifierUseCase } from './application/train-classifier.usecase';
import { TriageConfig } from './config';
import { AgentLoadCache } from './infrastructure/agent-load.cache';
import { AgentRepository } from './infrastructure/agent.repository';
import { ClassifierRepository } from './infrastructure/classifier.repository';
import { ClassifierTrainer } from './infrastructure/classifier-trainer';
import { Clock } from './infrastructure/clock';
import { OutboxFeedRepository } from './infrastructure/outbox-feed';
import { QueueRepository } from './infrastructure/queue.repository';
import { SlaSettingsRepository } from './infrastructure/sla-settings.repository';
import { TicketRepository } from './infrastructure/ticket.repository';
import { TransactionRunner } from './infrastructure/transaction-runner';
import { ClassifierController } from './transport/classifier.controller';
import { FeedbackConsumer } from './transport/feedback.consumer';
import { KnowledgeConsumer } from './transport/knowledge.consumer';
import { MessagesConsumer } from './transport/messages.consumer';
import { AgentsController, QueuesController } from './transport/routing.controller';
import { TriageSchedulers } from './transport/schedulers';
import { SlaController } from './transport/sla.controller';
import { TicketsController } from './transport/tickets.controller';
import { TicketsGrpc } from './transport/tickets.grpc';
import { mapTriageError } from './transport/triage-error.mapper';

@Module({})
export class TriageModule {
  static register(config: TriageConfig, logger: AppLogger): DynamicModule {
    return {
      module: TriageModule,
      imports: [
        PlatformModule.forService({
          service: 'triage',
          config,
          logger,
          dataSource: { migrations: TRIAGE_MIGRATIONS },
          mapDomainError: mapTriageError,
        }),
      ],
      controllers: [
        TicketsController,
        ClassifierController,
        AgentsController,
        QueuesController,
        SlaController,
      ],
      providers: [
        { provide: TriageConfig, useValue: config },
        // infrastructure
        Clock,
        TransactionRunner,
        TicketRepository,
        AgentRepository,
        QueueRepository,
        SlaSettingsRepository,
        ClassifierRepository,
        ClassifierTrainer,
        AgentLoadCache,
        OutboxFeedRepository,
        // application services
        TenantClassifiers,
        SlaSettings,
        TicketRouter,
        TicketSlaService,
        // use cases
        IntakeMessageUseCase,
        ClassifyTextUseCase,
        TrainClassifierUseCase,
        SaveLexiconUseCase,
        ReplyToTicketUseCase,
        AssignTicketUseCase,
        ResolveTicketUseCase,
        ReopenTicketUseCase,
        SetTicketPendingUseCase,
        CloseTicketUseCase,
        CorrectTicketUseCase,
        SaveAgentUseCase,
        SaveQueueUseCase,
        SaveSlaPolicyUseCase,
        SaveCalendarUseCase,
        ProcessDueSlaUseCase,
        CloseResolvedTicketsUseCase,
        DispatchWaitingUseCase,
        OpenFollowUpUseCase,
        SendAutoAnswerUseCase,
        // transport: consumers and pollers
        MessagesConsumer,
        FeedbackConsumer,
        KnowledgeConsumer,
        TriageSchedulers,
        TicketsGrpc,
      ],
    };
  }
}
