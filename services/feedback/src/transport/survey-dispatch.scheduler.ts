import {
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { InjectConfig } from '@helpdesk/platform';
import { DispatchDueSurveysUseCase } from '../application/dispatch-due-surveys.usecase';
import type { FeedbackConfig } from '../config';

/** Sends surveys whose delay has passed, every SURVEY_POLL_INTERVAL_MS; one run at a time. */
@Injectable()
export class SurveyDispatchScheduler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(SurveyDispatchScheduler.name);
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopping = false;

  constructor(
    private readonly dispatch: DispatchDueSurveysUseCase,
    @InjectConfig() private readonly config: FeedbackConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => this.tick(), this.config.SURVEY_POLL_INTERVAL_MS);
    this.timer.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    clearInterval(this.timer);
    await this.running;
  }

  private tick(): void {
    if (this.running !== undefined || this.stopping) return;
    this.running = this.dispatch
      .execute()
      .then((sent) => {
        if (sent > 0) this.logger.log(`sent ${sent} due survey(s)`);
      })
      .catch((error: unknown) => {
        if (!this.stopping)
          this.logger.warn(`sending due surveys failed; retrying next tick: ${String(error)}`);
      })
      .finally(() => {
        this.running = undefined;
      });
  }
}
