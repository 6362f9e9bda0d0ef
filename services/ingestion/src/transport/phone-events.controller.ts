import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentAuth, RequireScopes, type AuthContext, SkipRateLimit } from '@helpdesk/platform';
import { RecordCallEventUseCase } from '../application/record-call-event.usecase';
import { CtiEventDto, CtiEventResponseDto } from './phone-events.dto';

@ApiTags('channels')
// Channel traffic is accepted and queued, never throttled into lost messages.
@SkipRateLimit()
@Controller('v1/channels/phone')
export class PhoneEventsController {
  constructor(private readonly recordCallEvent: RecordCallEventUseCase) {}

  @Post('events')
  @HttpCode(202)
  @RequireScopes('messages:write')
  @ApiOperation({
    summary:
      'Call-centre (CTI) event; a call with a transcript or voicemail becomes a message, a missed one a call-back request',
  })
  @ApiBody({ type: CtiEventDto })
  @ApiAcceptedResponse({ type: CtiEventResponseDto })
  async event(@CurrentAuth() auth: AuthContext, @Body() body: unknown): Promise<CtiEventResponseDto> {
    // The body is checked by the domain's validator (it knows the CTI variants), not by the DTO.
    return this.recordCallEvent.execute(auth.tenantId, body);
  }
}
