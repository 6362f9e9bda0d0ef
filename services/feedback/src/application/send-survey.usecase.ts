import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { CHANNELS, type Channel } from '@helpdesk/contracts';
import { EventPublisher } from '@helpdesk/messaging';
import { composeSurveyInvitation, surveyExpiry } from '../domain';
import { SurveySettingsRepository } from '../infrastructure/survey-settings.repository';
import { SurveyRepository, type Survey } from '../infrastructure/survey.repository';
import { SurveyTokens } from '../infrastructure/survey-tokens';

export type SendSurveyOutcome = 'sent' | 'suppressed';

/**
 * Sends one due survey over the conversation's channel: a signed, expiring link (and on chat
 * channels the "reply 1–5" prompt) as `reply.requested` for ingestion to deliver, and
 * `survey.requested`. The caller holds the survey's row lock.
 */
@Injectable()
export class SendSurveyUseCase {
  constructor(
    private readonly surveys: SurveyRepository,
    private readonly settings: SurveySettingsRepository,
    private readonly tokens: SurveyTokens,
    private readonly publisher: EventPublisher,
  ) {}

  async execute(manager: EntityManager, survey: Survey, now: Date): Promise<SendSurveyOutcome> {
    // The customer may have opted out, or the tenant switched surveys off, while it waited.
    if (await this.settings.isOptedOut(manager, survey.tenantId, survey.customerId)) {
      await this.surveys.markSuppressed(manager, survey.tenantId, survey.id, 'opted-out');
      return 'suppressed';
    }
    const settings = await this.settings.get(survey.tenantId, manager);
    if (!settings.enabled) {
      await this.surveys.markSuppressed(manager, survey.tenantId, survey.id, 'disabled');
      return 'suppressed';
    }
    const channel = CHANNELS.find((candidate): candidate is Channel => candidate === survey.channel);
    if (channel === undefined) {
      await this.surveys.markSuppressed(manager, survey.tenantId, survey.id, 'unreachable');
      return 'suppressed';
    }
    // Tokens carry whole seconds; the stored expiry is the token's.
    const expiresAt = new Date(Math.floor(surveyExpiry(now, settings).getTime() / 1000) * 1000);
    const token = this.tokens.issue({
      surveyId: survey.id,
      tenantId: survey.tenantId,
      ticketId: survey.ticketId,
      expiresAt,
    });
    const invitation = composeSurveyInvitation({
      channel,
      language: survey.language,
      link: this.tokens.link(token),
    });
    await this.publisher.publishAll(manager, [
      {
        type: 'reply.requested',
        tenantId: survey.tenantId,
        aggregateId: survey.conversationId,
        occurredAt: now,
        payload: {
          // The survey id doubles as the reply id, so a redelivery can be recognised downstream.
          replyId: survey.id,
          ticketId: survey.ticketId,
          conversationId: survey.conversationId,
          customerId: survey.customerId,
          channel,
          body: invitation.body,
          subject: invitation.subject,
          agentId: null,
          kind: 'survey',
        },
      },
      {
        type: 'survey.requested',
        tenantId: survey.tenantId,
        aggregateId: survey.ticketId,
        occurredAt: now,
        payload: {
          surveyId: survey.id,
          ticketId: survey.ticketId,
          customerId: survey.customerId,
          conversationId: survey.conversationId,
          channel,
          expiresAt: expiresAt.toISOString(),
        },
      },
    ]);
    await this.surveys.markSent(manager, survey.tenantId, survey.id, now, expiresAt);
    return 'sent';
  }
}
