import { Body, Controller, Get, Headers, HttpCode, Param, Post, Res } from '@nestjs/common';
import {
  ApiBody,
  ApiCreatedResponse,
  ApiExcludeEndpoint,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ProblemException, Public } from '@helpdesk/platform';
import { AnswerSurveyUseCase } from '../application/answer-survey.usecase';
import type { SurveyAnswerView } from '../application/record-survey-answer.usecase';
import { SurveyAnswerDto, SurveyResponseDto, SurveyViewDto } from './survey.dto';
import { renderSurveyPage, SURVEY_PAGE_CSP } from './survey-page';

const ANSWER_FIELDS = ['csat', 'nps', 'comment'];
const RESPONSES_SUFFIX = '/responses';
const TOKEN_PARAM = { name: 'token', description: 'The survey token from the link: its only credential' };

/**
 * The customer's side of a survey. The token in the path is the whole credential, so these routes
 * take no API key. A token is usually longer than the router's 100-character parameter limit, so
 * each documented `:token` route has an undocumented wildcard twin the router falls back to.
 */
@Public()
@ApiTags('surveys')
@Controller('v1/surveys')
export class SurveysController {
  constructor(private readonly answerSurvey: AnswerSurveyUseCase) {}

  @Get(':token')
  @ApiOperation({
    summary: 'The survey behind a link: open or answered, and until when',
    description: 'A browser (Accept: text/html) gets the survey page that posts the answer back.',
  })
  @ApiParam(TOKEN_PARAM)
  @ApiProduces('application/json', 'text/html')
  @ApiOkResponse({ type: SurveyViewDto })
  async view(
    @Param('token') token: string,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<SurveyViewDto | string> {
    return this.present(token, accept, reply);
  }

  @Get('*')
  @ApiExcludeEndpoint()
  async viewLongToken(
    @Param('*') path: string,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<SurveyViewDto | string> {
    if (path.includes('/')) throw new ProblemException(404, 'no such route');
    return this.present(path, accept, reply);
  }

  @Post(':token/responses')
  @HttpCode(201)
  @ApiOperation({
    summary: 'Answer a survey: CSAT 1–5, NPS 0–10, comment (idempotent per token)',
    description:
      '201 with the stored answer; the same answer again is 200 with the stored answer and changes nothing, a ' +
      'different one 409. Expired, forged or malformed token 401; out-of-range scores 400 naming the field. ' +
      'CSAT ≤ 2, NPS ≤ 6 with a negative comment, or a complaint in the comment request a follow-up.',
  })
  @ApiParam(TOKEN_PARAM)
  @ApiBody({ type: SurveyResponseDto })
  @ApiCreatedResponse({ type: SurveyAnswerDto })
  @ApiOkResponse({ type: SurveyAnswerDto, description: 'The same answer again: nothing changed' })
  async respond(
    @Param('token') token: string,
    @Body() body: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<SurveyAnswerView> {
    return this.answer(token, body, reply);
  }

  @Post('*')
  @HttpCode(201)
  @ApiExcludeEndpoint()
  async respondLongToken(
    @Param('*') path: string,
    @Body() body: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<SurveyAnswerView> {
    const token = path.endsWith(RESPONSES_SUFFIX) ? path.slice(0, -RESPONSES_SUFFIX.length) : '';
    if (token.length === 0 || token.includes('/')) throw new ProblemException(404, 'no such route');
    return this.answer(token, body, reply);
  }

  private async present(
    token: string,
    accept: string | undefined,
    reply: FastifyReply,
  ): Promise<SurveyViewDto | string> {
    const view = await this.answerSurvey.view(token);
    if (!prefersHtml(accept)) return view;
    void reply
      .type('text/html; charset=utf-8')
      .header('Content-Security-Policy', SURVEY_PAGE_CSP)
      .header('Cache-Control', 'no-store');
    return renderSurveyPage(view);
  }

  private async answer(token: string, body: unknown, reply: FastifyReply): Promise<SurveyAnswerView> {
    if (Buffer.isBuffer(body)) throw new ProblemException(415, 'send the answer as application/json');
    rejectUnknownFields(body);
    const { replayed, answer } = await this.answerSurvey.execute({ token, input: body });
    if (replayed) void reply.status(200).header('Idempotent-Replayed', 'true');
    return answer;
  }
}

/** A browser asks for HTML first; API clients ask for JSON or anything. */
function prefersHtml(accept: string | undefined): boolean {
  if (accept === undefined) return false;
  const html = accept.indexOf('text/html');
  const json = accept.indexOf('application/json');
  return html >= 0 && (json < 0 || html < json);
}

function rejectUnknownFields(body: unknown): void {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return;
  const unknown = Object.keys(body).filter((key) => !ANSWER_FIELDS.includes(key));
  if (unknown.length > 0) {
    throw new ProblemException(
      400,
      'request is invalid',
      unknown.map((field) => ({ field, message: `property ${field} should not exist` })),
    );
  }
}
