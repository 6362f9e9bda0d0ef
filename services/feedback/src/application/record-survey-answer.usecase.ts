import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { EventPublisher } from '@helpdesk/messaging';
import { applyResponse, needsFollowUp, type FeedbackException, type RecordedSurveyAnswer } from '../domain';
import {
  SurveyRepository,
  surveyState,
  type AnswerChannel,
  type Survey,
} from '../infrastructure/survey.repository';
import { RequestFollowUpUseCase } from './request-follow-up.usecase';

export interface SurveyAnswerView {
  readonly surveyId: string;
  readonly ticketId: string;
  readonly csat: number | null;
  readonly nps: number | null;
  readonly comment: string | null;
  readonly answeredAt: string;
  readonly answeredVia: AnswerChannel;
  /** The follow-up the answer opened (CSAT ≤ 2, or NPS ≤ 6 with a negative comment, or a complaint in it). */
  readonly followUpId: string | null;
}

export type RecordSurveyAnswerOutcome =
  | { readonly kind: 'accepted' | 'duplicate'; readonly answer: SurveyAnswerView }
  | { readonly kind: 'rejected'; readonly error: FeedbackException };

export interface RecordSurveyAnswerCommand {
  /** Locked by the caller. */
  readonly survey: Survey;
  readonly input: unknown;
  readonly at: Date;
  readonly via: AnswerChannel;
}

/**
 * The single answer a survey takes, however it arrives (link or chat): the same answer again is
 * a no-op, a different one is refused; an accepted one is stored with `survey.completed`, and a
 * bad one also requests a follow-up on the original ticket.
 */
@Injectable()
export class RecordSurveyAnswerUseCase {
  constructor(
    private readonly surveys: SurveyRepository,
    private readonly publisher: EventPublisher,
    private readonly requestFollowUp: RequestFollowUpUseCase,
  ) {}

  async execute(
    manager: EntityManager,
    command: RecordSurveyAnswerCommand,
  ): Promise<RecordSurveyAnswerOutcome> {
    const { survey } = command;
    const decision = applyResponse(surveyState(survey), command.input, command.at);
    switch (decision.kind) {
      case 'invalid':
      case 'conflict':
      case 'expired':
        return { kind: 'rejected', error: decision.error };
      case 'duplicate':
        return {
          kind: 'duplicate',
          answer: view(survey, decision.answer, survey.answeredVia ?? command.via, survey.followUpId),
        };
      case 'accepted':
        break;
    }
    const { answer } = decision;
    await this.publisher.publish(manager, {
      type: 'survey.completed',
      tenantId: survey.tenantId,
      aggregateId: survey.ticketId,
      occurredAt: answer.answeredAt,
      payload: {
        surveyId: survey.id,
        ticketId: survey.ticketId,
        csat: answer.csat ?? null,
        nps: answer.nps ?? null,
        comment: answer.comment ?? null,
      },
    });
    const subject = {
      kind: 'survey-response',
      ...(answer.csat === undefined ? {} : { csat: answer.csat }),
      ...(answer.nps === undefined ? {} : { nps: answer.nps }),
      ...(answer.comment === undefined ? {} : { comment: answer.comment }),
    } as const;
    const followUp = needsFollowUp(subject);
    const followUpId = followUp.required
      ? (
          await this.requestFollowUp.execute(manager, {
            tenantId: survey.tenantId,
            sourceKind: 'survey',
            sourceId: survey.id,
            subject,
            decision: followUp,
            ticketId: survey.ticketId,
            customerId: survey.customerId,
            conversationId: survey.conversationId,
            channel: survey.channel,
            language: survey.language,
            at: answer.answeredAt,
          })
        ).followUpId
      : null;
    await this.surveys.recordAnswer(manager, survey.tenantId, survey.id, answer, command.via, followUpId);
    return { kind: 'accepted', answer: view(survey, answer, command.via, followUpId) };
  }
}

function view(
  survey: Survey,
  answer: RecordedSurveyAnswer,
  via: AnswerChannel,
  followUpId: string | null,
): SurveyAnswerView {
  return {
    surveyId: survey.id,
    ticketId: survey.ticketId,
    csat: answer.csat ?? null,
    nps: answer.nps ?? null,
    comment: answer.comment ?? null,
    answeredAt: answer.answeredAt.toISOString(),
    answeredVia: via,
    followUpId,
  };
}
