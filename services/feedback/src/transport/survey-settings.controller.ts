import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post, Put } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentAuth, ProblemException, RequireScopes, type AuthContext } from '@helpdesk/platform';
import { validateSurveySettings, type SurveySettings } from '../domain';
import { SurveySettingsRepository } from '../infrastructure/survey-settings.repository';
import { SurveyOptOutDto, SurveyOptOutViewDto, SurveySettingsDto } from './survey.dto';

const customerIdPipe = new ParseUUIDPipe({
  exceptionFactory: () =>
    new ProblemException(400, 'customerId must be a UUID', [
      { field: 'customerId', message: 'must be a UUID' },
    ]),
});

@ApiTags('surveys')
@Controller('v1')
export class SurveySettingsController {
  constructor(private readonly settings: SurveySettingsRepository) {}

  @Get('survey-settings')
  @RequireScopes('admin')
  @ApiOperation({ summary: "The tenant's survey settings (service defaults until set)" })
  @ApiOkResponse({ type: SurveySettingsDto })
  async get(@CurrentAuth() auth: AuthContext): Promise<SurveySettings> {
    return this.settings.get(auth.tenantId);
  }

  @Put('survey-settings')
  @RequireScopes('admin')
  @ApiOperation({
    summary: 'Switch surveys on or off, set the delay after resolution and how long a survey stays open',
  })
  @ApiOkResponse({ type: SurveySettingsDto })
  async put(@CurrentAuth() auth: AuthContext, @Body() dto: SurveySettingsDto): Promise<SurveySettings> {
    const settings = validateSurveySettings(dto);
    await this.settings.put(auth.tenantId, settings);
    return settings;
  }

  @Post('customers/:customerId/survey-opt-out')
  @HttpCode(200)
  @RequireScopes('feedback:write')
  @ApiOperation({
    summary: 'The customer is never surveyed again (idempotent); surveys not yet sent are dropped',
  })
  @ApiOkResponse({ type: SurveyOptOutViewDto })
  async optOut(
    @CurrentAuth() auth: AuthContext,
    @Param('customerId', customerIdPipe) customerId: string,
    @Body() dto: SurveyOptOutDto,
  ): Promise<SurveyOptOutViewDto> {
    const optOut = await this.settings.optOut(auth.tenantId, customerId, dto.reason ?? null);
    return { customerId, reason: optOut.reason, optedOutAt: optOut.optedOutAt.toISOString() };
  }

  @Delete('customers/:customerId/survey-opt-out')
  @HttpCode(204)
  @RequireScopes('feedback:write')
  @ApiOperation({ summary: 'The customer may be surveyed again' })
  @ApiNoContentResponse()
  async optIn(
    @CurrentAuth() auth: AuthContext,
    @Param('customerId', customerIdPipe) customerId: string,
  ): Promise<void> {
    await this.settings.optIn(auth.tenantId, customerId);
  }
}
