import { Controller, Get, Param, ParseUUIDPipe, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { clampLimit, decodeCursor, encodeCursor } from '@helpdesk/persistence';
import { CurrentAuth, ProblemException, RequireScopes, type AuthContext } from '@helpdesk/platform';
import type { StoredMessage } from '../domain/message';
import { IngestionRepository } from '../infrastructure/ingestion.repository';

const uuidPipe = new ParseUUIDPipe({
  exceptionFactory: () =>
    new ProblemException(400, 'id must be a UUID', [{ field: 'id', message: 'must be a UUID' }]),
});

export class PageQueryDto {
  @ApiPropertyOptional({ default: 50, maximum: 200 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(500) cursor?: string;
}

export class MessagePageDto {
  @ApiProperty({
    type: 'array',
    items: { type: 'object' },
    description: 'Inbound and outbound messages, oldest first',
  })
  items!: StoredMessage[];
  @ApiPropertyOptional({ type: String, nullable: true }) nextCursor!: string | null;
}

@ApiTags('conversations')
@Controller('v1/conversations')
export class ConversationsController {
  constructor(private readonly repository: IngestionRepository) {}

  @Get(':id/messages')
  @RequireScopes('customers:read')
  @ApiOperation({ summary: "A conversation's messages across channels, with the delivery state of replies" })
  @ApiOkResponse({ type: MessagePageDto })
  async messages(
    @CurrentAuth() auth: AuthContext,
    @Param('id', uuidPipe) id: string,
    @Query() query: PageQueryDto,
  ): Promise<MessagePageDto> {
    const conversation = await this.repository.findConversation(this.repository.manager, auth.tenantId, id);
    if (!conversation) throw new ProblemException(404, `conversation ${id} not found`);
    const limit = clampLimit(query.limit);
    const after = query.cursor ? decodeCursor(query.cursor) : null;
    const items = await this.repository.listConversationMessages(auth.tenantId, id, limit + 1, after);
    const page = items.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page,
      nextCursor: items.length > limit && last ? encodeCursor({ at: last.occurredAt, id: last.id }) : null,
    };
  }
}
