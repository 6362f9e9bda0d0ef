import { Body, Controller, Get, Put } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsBoolean, IsInt, Max, Min } from 'class-validator';
import { CurrentAuth, RequireScopes, type AuthContext } from '@helpdesk/platform';
import { IngestionRepository } from '../infrastructure/ingestion.repository';

export class ConversationRuleDto {
  @ApiProperty({
    minimum: 0,
    maximum: 2160,
    example: 72,
    description:
      'A follow-up within this many hours of the last message continues the open conversation; 0 never',
  })
  @IsInt()
  @Min(0)
  @Max(2160)
  continuityHours!: number;

  @ApiProperty({ example: true, description: 'Whether a follow-up on another channel continues it too' })
  @IsBoolean()
  acrossChannels!: boolean;
}

/** The tenant's rule for continuing conversations (e-mail threading headers and explicit conversationId always win). */
@ApiTags('settings')
@Controller('v1/settings/conversations')
export class SettingsController {
  constructor(private readonly repository: IngestionRepository) {}

  @Get()
  @RequireScopes('admin')
  @ApiOkResponse({ type: ConversationRuleDto })
  async get(@CurrentAuth() auth: AuthContext): Promise<ConversationRuleDto> {
    return this.repository.conversationRule(this.repository.manager, auth.tenantId);
  }

  @Put()
  @RequireScopes('admin')
  @ApiOperation({ summary: 'Sets when a message continues an open conversation' })
  @ApiOkResponse({ type: ConversationRuleDto })
  async put(
    @CurrentAuth() auth: AuthContext,
    @Body() dto: ConversationRuleDto,
  ): Promise<ConversationRuleDto> {
    await this.repository.saveConversationRule(auth.tenantId, dto);
    return { continuityHours: dto.continuityHours, acrossChannels: dto.acrossChannels };
  }
}
