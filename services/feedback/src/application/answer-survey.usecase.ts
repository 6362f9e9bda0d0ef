import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { FeedbackErrorCode, FeedbackException } from '../domain';
import { Clock } from '../infrastructure/clock';
import { SurveyRepository } from '../infrastructure/survey.repository';
import { SurveyTokens } from '../infrastructure/survey-tokens';
import { RecordSurveyAnswerUseCase, type SurveyAnswerView } from './record-survey-answer.usecase';

export interface AnswerSurveyCommand {
  /** From the link: the whole credential. */
  readonly token: unknown;
  /** The request body, validated by the survey rules. */
  readonly input: unknown;
}

/** A survey answered through its link: the token authenticates and names the survey. */
@Injectable()
export class AnswerSurveyUseCase {
  constructor(
    private readonly dataSource: DataSource,
    private readonly tokens: SurveyTokens,
    private readonly surveys: SurveyRepository,
    private readonly recordAnswer: RecordSurveyAnswerUseCase,
    private readonly clock: Clock,
  ) {}

  /** Throws FeedbackException: token (401), input (400), already answered differently (409). */
  async execute(
    command: AnswerSurveyCommand,
  ): Promise<{ readonly replayed: boolean; readonly answer: SurveyAnswerView }> {
    const now = this.clock.now();
    const verification = this.tokens.verify(command.token, now);
    if (!verification.ok) throw verification.error;
    const { tenantId, surveyId, ticketId } = verification.payload;
    return this.dataSource.transaction(async (manager) => {
      const survey = await this.surveys.lock(manager, tenantId, surveyId);
      if (survey === null || survey.ticketId !== ticketId) {
        throw new FeedbackException(FeedbackErrorCode.SurveyNotFound, 'no such survey');
      }
      const outcome = await this.recordAnswer.execute(manager, {
        survey,
        input: command.input,
        at: now,
        via: 'link',
      });
      if (outcome.kind === 'rejected') throw outcome.error;
      return { replayed: outcome.kind === 'duplicate', answer: outcome.answer };
    });
  }

  /** What the link shows before answering: whether it is still open, and the answer once given. */
  async view(token: unknown): Promise<{
    surveyId: string;
    ticketId: string;
    status: 'open' | 'answered';
    expiresAt: string;
    answer: SurveyAnswerView | null;
  }> {
    const now = this.clock.now();
    const verification = this.tokens.verify(token, now);
    if (!verification.ok) throw verification.error;
    const { tenantId, surveyId, ticketId, expiresAt } = verification.payload;
    const survey = await this.surveys.find(this.dataSource.manager, tenantId, surveyId);
    if (survey === null || survey.ticketId !== ticketId)
      throw new FeedbackException(FeedbackErrorCode.SurveyNotFound, 'no such survey');
    return {
      surveyId,
      ticketId,
      status: survey.answer === null ? 'open' : 'answered',
      expiresAt: expiresAt.toISOString(),
      answer:
        survey.answer === null
          ? null
          : {
              surveyId,
              ticketId,
              csat: survey.answer.csat ?? null,
              nps: survey.answer.nps ?? null,
              comment: survey.answer.comment ?? null,
              answeredAt: survey.answer.answeredAt.toISOString(),
              answeredVia: survey.answeredVia ?? 'link',
              followUpId: survey.followUpId,
            },
    };
  }
}
