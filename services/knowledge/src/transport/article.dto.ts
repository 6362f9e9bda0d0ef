import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Max,
  MaxLength,
  Min,
  ValidateNested,
  registerDecorator,
  type ValidationOptions,
} from 'class-validator';
import { isLanguageTag, type ArticleStatus } from '../domain/search';
import { MAX_IMPORT_ARTICLES } from '../application/import-articles.usecase';

export const ARTICLE_STATUSES: readonly ArticleStatus[] = ['draft', 'published'];
export const MAX_TITLE = 500;
export const MAX_BODY = 100_000;

/** A BCP 47-style tag the search engine accepts: `zh`, `en`, `zh-Hans`, `pt-BR`. */
export function IsLanguageTag(options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) => {
    registerDecorator({
      name: 'isLanguageTag',
      target: target.constructor,
      propertyName: String(propertyName),
      options: { message: '$property must be a language code such as zh, en or zh-Hans', ...options },
      validator: { validate: (value: unknown) => typeof value === 'string' && value.length <= 35 && isLanguageTag(value.trim()) },
    });
  };
}

const TagsProperty = (): PropertyDecorator =>
  applyDecorators(
    ApiPropertyOptional({ type: [String], example: ['花呗', 'repayment'], maxItems: 50 }),
    IsOptional(),
    IsArray(),
    ArrayMaxSize(50),
    IsString({ each: true }),
    Length(1, 100, { each: true }),
  );

export class CreateArticleDto {
  @ApiProperty({ example: '花呗怎么还款', maxLength: MAX_TITLE }) @IsString() @Length(1, MAX_TITLE) title!: string;
  @ApiProperty({ example: '打开支付宝，进入我的花呗，点击立即还款即可。', maxLength: MAX_BODY }) @IsString() @MaxLength(MAX_BODY) body!: string;
  @ApiProperty({ example: 'zh', description: "'zh', 'en' or another BCP 47 code (stored as given)" }) @IsLanguageTag() language!: string;
  @TagsProperty() tags?: string[];
  @ApiPropertyOptional({ type: String, nullable: true, example: 'billing', maxLength: 100 }) @IsOptional() @IsString() @MaxLength(100) category?: string | null;
  @ApiPropertyOptional({ enum: ARTICLE_STATUSES, default: 'draft', description: 'Only published articles are searched and suggested' })
  @IsOptional()
  @IsIn(ARTICLE_STATUSES)
  status?: ArticleStatus;
}

export class UpdateArticleDto {
  @ApiPropertyOptional({ maxLength: MAX_TITLE }) @IsOptional() @IsString() @Length(1, MAX_TITLE) title?: string;
  @ApiPropertyOptional({ maxLength: MAX_BODY }) @IsOptional() @IsString() @MaxLength(MAX_BODY) body?: string;
  @ApiPropertyOptional({ example: 'en' }) @IsOptional() @IsLanguageTag() language?: string;
  @TagsProperty() tags?: string[];
  @ApiPropertyOptional({ type: String, nullable: true, description: 'null clears the category' }) @IsOptional() @IsString() @MaxLength(100) category?: string | null;
  @ApiPropertyOptional({ enum: ARTICLE_STATUSES }) @IsOptional() @IsIn(ARTICLE_STATUSES) status?: ArticleStatus;
  @ApiPropertyOptional({ description: 'The version this edit was made on: another version in between answers 409' })
  @IsOptional()
  @IsInt()
  @Min(1)
  expectedVersion?: number;
}

export class ImportArticlesDto {
  @ApiProperty({ type: [CreateArticleDto], minItems: 1, maxItems: MAX_IMPORT_ARTICLES })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_IMPORT_ARTICLES)
  @ValidateNested({ each: true })
  @Type(() => CreateArticleDto)
  articles!: CreateArticleDto[];
}

export class ListArticlesQuery {
  @ApiPropertyOptional({ enum: ARTICLE_STATUSES }) @IsOptional() @IsIn(ARTICLE_STATUSES) status?: ArticleStatus;
  @ApiPropertyOptional({ description: 'Matches the tag and its subtags: zh finds zh-Hans' }) @IsOptional() @IsLanguageTag() language?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(100) category?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(100) tag?: string;
  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(200) limit?: number;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(500) cursor?: string;
}

export class GetArticleQuery {
  @ApiPropertyOptional({ minimum: 1, description: 'An earlier version; the latest by default' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  version?: number;
}

export class PageQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(200) limit?: number;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(500) cursor?: string;
}

export class ArticleFeedbackDto {
  @ApiProperty() @IsBoolean() helpful!: boolean;
  @ApiPropertyOptional({ format: 'uuid', description: 'The ticket the article was used on: one vote per ticket, a new vote replaces it' })
  @IsOptional()
  @IsUUID()
  ticketId?: string;
  @ApiPropertyOptional({
    minLength: 1,
    maxLength: 1000,
    description: "The customer's question in their own words (e.g. what they searched a help centre for); a helpful vote teaches search that phrasing. Without it a ticket's question is used",
  })
  @IsOptional()
  @IsString()
  @Length(1, 1000)
  question?: string;
}

export class FeedbackCountsDto {
  @ApiProperty() helpful!: number;
  @ApiProperty() notHelpful!: number;
}

export class ArticleViewDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ description: 'The version shown' }) version!: number;
  @ApiProperty() latestVersion!: number;
  @ApiProperty() title!: string;
  @ApiProperty() body!: string;
  @ApiProperty() language!: string;
  @ApiProperty({ type: [String] }) tags!: string[];
  @ApiPropertyOptional({ type: String, nullable: true }) category!: string | null;
  @ApiProperty({ enum: ARTICLE_STATUSES }) status!: ArticleStatus;
  @ApiProperty({ type: FeedbackCountsDto }) feedback!: FeedbackCountsDto;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time', description: 'When the version shown was written' }) updatedAt!: string;
}

export class ArticlePageDto {
  @ApiProperty({ type: [ArticleViewDto] }) items!: ArticleViewDto[];
  @ApiPropertyOptional({ type: String, nullable: true }) nextCursor!: string | null;
}

export class ArticleVersionDto {
  @ApiProperty() version!: number;
  @ApiProperty() title!: string;
  @ApiProperty() body!: string;
  @ApiProperty() language!: string;
  @ApiProperty({ type: [String] }) tags!: string[];
  @ApiPropertyOptional({ type: String, nullable: true }) category!: string | null;
  @ApiProperty({ enum: ARTICLE_STATUSES }) status!: ArticleStatus;
  @ApiPropertyOptional({ type: String, nullable: true, description: 'API key that wrote it' }) createdBy!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class ArticleVersionPageDto {
  @ApiProperty({ type: [ArticleVersionDto] }) items!: ArticleVersionDto[];
  @ApiPropertyOptional({ type: String, nullable: true }) nextCursor!: string | null;
}

export class ImportedArticleDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() version!: number;
  @ApiProperty({ enum: ARTICLE_STATUSES }) status!: string;
}

export class ImportArticlesResponseDto {
  @ApiProperty({ type: [ImportedArticleDto], description: 'In the order sent' }) items!: ImportedArticleDto[];
}

export class ArticleFeedbackResponseDto {
  @ApiProperty({ format: 'uuid' }) feedbackId!: string;
  @ApiProperty({ format: 'uuid' }) articleId!: string;
  @ApiProperty() helpful!: boolean;
  @ApiPropertyOptional({ type: String, nullable: true }) ticketId!: string | null;
  @ApiPropertyOptional({ type: String, nullable: true }) question!: string | null;
  @ApiProperty({ type: FeedbackCountsDto }) feedback!: FeedbackCountsDto;
}

/** `?tag=a&tag=b` arrives as an array, `?tag=a` as a string. */
export const toStringArray = ({ value }: { value: unknown }): unknown => (typeof value === 'string' ? [value] : value);

export class SearchQueryDto {
  @ApiProperty({ description: '1–1,000 characters', example: '花呗怎么还钱' }) @IsOptional() @IsString() q?: string;
  @ApiPropertyOptional({ example: 'zh' }) @IsOptional() @IsString() language?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(100) category?: string;
  @ApiPropertyOptional({ type: [String], description: 'Repeatable; an article must carry every tag' })
  @IsOptional()
  @Transform(toStringArray)
  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @MaxLength(100, { each: true })
  tag?: string[];
  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 10 }) @IsOptional() @Type(() => Number) @IsInt() limit?: number;
}

export class SearchItemDto {
  @ApiProperty({ format: 'uuid' }) articleId!: string;
  @ApiProperty() title!: string;
  @ApiProperty({ description: 'HTML-escaped body window, matched terms in <em>' }) snippet!: string;
  @ApiProperty({ minimum: 0, maximum: 1 }) score!: number;
  @ApiProperty() language!: string;
  @ApiPropertyOptional({ type: String, nullable: true }) category!: string | null;
  @ApiProperty({ type: [String] }) tags!: string[];
}

export class SearchResponseDto {
  @ApiProperty({ type: [SearchItemDto] }) items!: SearchItemDto[];
  @ApiProperty({ minimum: 0, maximum: 1, description: 'Calibrated confidence that the first item answers the query' }) confidence!: number;
}
