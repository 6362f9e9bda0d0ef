import { Type } from 'class-transformer';
import { IsArray, IsNumber, IsString, IsUUID, Max, Min, ValidateNested } from 'class-validator';

export class SuggestedArticleV1 {
  @IsString() articleId!: string;
  @IsString() title!: string;
  @IsNumber() @Min(0) @Max(1) score!: number;
}

export class SuggestionsReadyV1 {
  static readonly type = 'suggestions.ready';
  static readonly version = 1;
  @IsUUID() ticketId!: string;
  @IsArray() @ValidateNested({ each: true }) @Type(() => SuggestedArticleV1) suggestions!: SuggestedArticleV1[];
}

/** The best article answers a simple question confidently enough to send it without a person. */
export class AutoAnswerProposedV1 {
  static readonly type = 'auto-answer.proposed';
  static readonly version = 1;
  @IsUUID() ticketId!: string;
  @IsString() articleId!: string;
  @IsString() title!: string;
  @IsString() answer!: string;
  @IsNumber() @Min(0) @Max(1) confidence!: number;
}
