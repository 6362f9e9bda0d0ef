import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { EventEnvelope, PayloadOf } from '@helpdesk/contracts';
import { parseChatSurveyReply, recogniseComplaint } from '../domain';
import { SurveyRepository } from '../infrastructure/survey.repository';
import { FileComplaintUseCase } from './file-complaint.usecase';
import { RecordSurveyAnswerUseCase } from './record-survey-answer.usecase';

export type CustomerMessageOutcome = 'survey-answer' | 'complaint' | 'none';

/**
 * Reads every inbound customer message for feedback, without coordinating with anyone: a bare
 * score typed into a conversation with an open survey is that survey's answer; a message that
 * asks to complain is a complaint.
 */
@Injectable()
export class HandleCustomerMessageUseCase {
  constructor(
    private readonly surveys: SurveyRepository,
    private readonly recordAnswer: RecordSurveyAnswerUseCase,
    private readonly fileComplaint: FileComplaintUseCase,
  ) {}

  async execute(
    manager: EntityManager,
    event: EventEnvelope<'message.received', PayloadOf<'message.received'>>,
  ): Promise<CustomerMessageOutcome> {
    const { tenantId, payload } = event;
    const at = new Date(payload.receivedAt);
    const score = parseChatSurveyReply(payload.body);
    if (score !== null) {
      const survey = await this.surveys.lockOpenInConversation(
        manager,
        tenantId,
        payload.conversationId,
        payload.customer.customerId,
        at,
      );
      if (survey !== null) {
        const outcome = await this.recordAnswer.execute(manager, {
          survey,
          input: { csat: score },
          at,
          via: 'chat',
        });
        if (outcome.kind !== 'rejected') return 'survey-answer';
      }
    }
    // An e-mail often states the complaint in its subject line.
    const text = payload.subject ? `${payload.subject}\n${payload.body}` : payload.body;
    if (payload.kind === 'survey-response' || !recogniseComplaint(text).complaint) return 'none';
    const filed = await this.fileComplaint.execute(manager, {
      tenantId,
      channel: payload.channel,
      body: text,
      customerId: payload.customer.customerId,
      conversationId: payload.conversationId,
      source: 'message',
      sourceMessageId: payload.messageId,
      at,
    });
    return filed === null ? 'none' : 'complaint';
  }
}
