import { Injectable } from '@nestjs/common';
import { InjectConfig } from '@helpdesk/platform';
import { surveyTokenKeysOf, type FeedbackConfig } from '../config';
import {
  issueSurveyToken,
  verifySurveyToken,
  type SurveyTokenKey,
  type SurveyTokenPayload,
  type SurveyTokenVerification,
} from '../domain';

/** Signs survey links with the newest configured key and verifies them against every configured key. */
@Injectable()
export class SurveyTokens {
  private readonly keys: readonly SurveyTokenKey[];
  private readonly publicBaseUrl: string;

  constructor(@InjectConfig() config: FeedbackConfig) {
    this.keys = surveyTokenKeysOf(config);
    this.publicBaseUrl = config.PUBLIC_BASE_URL.replace(/\/+$/u, '');
  }

  issue(payload: SurveyTokenPayload): string {
    const [signing] = this.keys;
    if (signing === undefined) throw new Error('no survey token key configured');
    return issueSurveyToken(payload, signing);
  }

  verify(token: unknown, now: Date): SurveyTokenVerification {
    return verifySurveyToken(token, this.keys, now);
  }

  /** The address the customer opens: the token is the whole credential. */
  link(token: string): string {
    return `${this.publicBaseUrl}/v1/surveys/${token}`;
  }
}
