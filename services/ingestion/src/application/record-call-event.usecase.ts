import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { InjectConfig } from '@helpdesk/platform';
import type { IngestionConfig } from '../config';
import {
  CallAggregator,
  validateCtiEvent,
  type CallAggregation,
  type CallState,
} from '../domain/channels/phone/call-aggregator';
import { planCallOutcome } from '../domain/channels/phone/call-outcome.plan';
import { IngestionRepository } from '../infrastructure/ingestion.repository';
import { CallStateRepository } from '../infrastructure/call-state.repository';
import { retryOnConflict } from './retry-on-conflict';
import { SubmitMessageUseCase } from './submit-message.usecase';

export interface CallOutcomeResult {
  kind: 'message' | 'callback-request';
  messageId: string;
  conversationId: string;
  customerId: string;
  /** True when an earlier message of the call was updated rather than a new one stored. */
  updated: boolean;
}

export interface RecordCallEventResult {
  callId: string;
  duplicate: boolean;
  outcomes: CallOutcomeResult[];
}

/**
 * Folds a CTI event into its call (state in Postgres, locked per call) and stores what the call
 * has become: a message from the caller's phone identity once there is a transcript or voicemail,
 * a call-back request for a missed or abandoned call.
 */
@Injectable()
export class RecordCallEventUseCase {
  private readonly aggregator: CallAggregator;

  constructor(
    private readonly dataSource: DataSource,
    private readonly calls: CallStateRepository,
    private readonly repository: IngestionRepository,
    private readonly submit: SubmitMessageUseCase,
    @InjectConfig() config: IngestionConfig,
  ) {
    this.aggregator = new CallAggregator({
      settleSec: config.CTI_SETTLE_SEC,
      shortCallSec: config.CTI_SHORT_CALL_SEC,
    });
  }

  async execute(tenantId: string, input: unknown, now: Date = new Date()): Promise<RecordCallEventResult> {
    const event = validateCtiEvent(input);
    return retryOnConflict(() =>
      this.dataSource.transaction(async (manager) => {
        const state = await this.calls.lock(manager, tenantId, event.callId);
        const aggregation = this.aggregator.apply(state, input, now);
        const outcomes = await this.store(manager, tenantId, aggregation);
        return { callId: event.callId, duplicate: aggregation.duplicate, outcomes };
      }),
    );
  }

  /** Hands out outcomes whose settle time has passed; returns how many calls were looked at. */
  async flushDue(limit: number, now: Date = new Date()): Promise<number> {
    return retryOnConflict(() =>
      this.dataSource.transaction(async (manager) => {
        const due = await this.calls.lockDue(manager, limit);
        for (const { tenantId, state } of due)
          await this.store(manager, tenantId, this.aggregator.flush(state, now));
        return due.length;
      }),
    );
  }

  private async store(
    manager: EntityManager,
    tenantId: string,
    aggregation: CallAggregation,
  ): Promise<CallOutcomeResult[]> {
    const state: CallState = aggregation.state;
    await this.calls.save(manager, tenantId, state, this.aggregator.nextDueAt(state));
    const results: CallOutcomeResult[] = [];
    for (const outcome of aggregation.outcomes) {
      const plan = planCallOutcome(outcome);
      if (plan.updates) {
        const existing = await this.repository.findByExternalId(manager, tenantId, 'phone', plan.updates);
        if (existing) {
          await this.repository.updateMessageContent(manager, tenantId, existing.id, {
            body: plan.body,
            attachments: plan.attachments,
            metadata: plan.metadata,
          });
          results.push({
            kind: 'message',
            messageId: existing.id,
            conversationId: existing.conversationId,
            customerId: existing.customerId,
            updated: true,
          });
          continue;
        }
      }
      const accepted = await this.submit.acceptIn(manager, {
        tenantId,
        channel: 'phone',
        kind: plan.kind,
        customer: plan.phone ? { phone: plan.phone } : { externalId: plan.fallbackExternalId },
        subject: plan.subject,
        body: plan.body,
        attachments: plan.attachments,
        externalMessageId: plan.externalMessageId,
        occurredAt: plan.occurredAt,
        metadata: plan.metadata,
      });
      if (plan.supersedes) {
        const superseded = await this.repository.findByExternalId(
          manager,
          tenantId,
          'phone',
          plan.supersedes,
        );
        if (superseded)
          await this.repository.mergeMessageMetadata(manager, tenantId, superseded.id, {
            supersededBy: accepted.messageId,
          });
      }
      results.push({
        kind: plan.kind,
        messageId: accepted.messageId,
        conversationId: accepted.conversationId,
        customerId: accepted.customerId,
        updated: false,
      });
    }
    return results;
  }
}
