import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock } from '../infrastructure/clock';
import { SurveyRepository } from '../infrastructure/survey.repository';
import { SendSurveyUseCase } from './send-survey.usecase';

const BATCH = 50;

/** Sends the surveys whose delay has passed, a batch per transaction; replicas skip each other's rows. */
@Injectable()
export class DispatchDueSurveysUseCase {
  constructor(
    private readonly dataSource: DataSource,
    private readonly surveys: SurveyRepository,
    private readonly sendSurvey: SendSurveyUseCase,
    private readonly clock: Clock,
  ) {}

  /** Returns how many surveys were sent. */
  async execute(): Promise<number> {
    let sent = 0;
    for (;;) {
      const { handled, sentNow } = await this.dataSource.transaction(async (manager) => {
        const now = this.clock.now();
        const due = await this.surveys.lockDue(manager, now, BATCH);
        let count = 0;
        for (const survey of due)
          if ((await this.sendSurvey.execute(manager, survey, now)) === 'sent') count += 1;
        return { handled: due.length, sentNow: count };
      });
      sent += sentNow;
      if (handled < BATCH) return sent;
    }
  }
}
