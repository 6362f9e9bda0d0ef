import { IsBoolean, IsIn, IsInt, IsOptional, IsString, IsUUID, MaxLength, Min } from 'class-validator';

export const ARTICLE_STATUSES = ['draft', 'published'] as const;
export type ArticleStatus = (typeof ARTICLE_STATUSES)[number];

/**
 * A knowledge-base article got a new version (created, edited, published or unpublished). Every
 * knowledge replica applies it to its in-memory search index; Postgres stays the source of truth.
 */
export class ArticleChangedV1 {
  static readonly type = 'article.changed';
  static readonly version = 1;
  @IsUUID() articleId!: string;
  @IsInt() @Min(1) version!: number;
  @IsIn(ARTICLE_STATUSES) status!: ArticleStatus;
  @IsString() @MaxLength(35) language!: string;
  @IsOptional() @IsString() category?: string | null;
  @IsIn(['created', 'updated']) change!: 'created' | 'updated';
}

/** A tenant replaced its synonym groups; replicas reload them. */
export class SynonymsChangedV1 {
  static readonly type = 'synonyms.changed';
  static readonly version = 1;
  @IsInt() @Min(0) groups!: number;
}

/** Someone said whether an article helped; replicas refresh the article's feedback prior. */
export class ArticleFeedbackRecordedV1 {
  static readonly type = 'article.feedback-recorded';
  static readonly version = 1;
  @IsUUID() articleId!: string;
  @IsBoolean() helpful!: boolean;
  @IsOptional() @IsUUID() ticketId?: string | null;
  @IsInt() @Min(0) helpfulCount!: number;
  @IsInt() @Min(0) notHelpfulCount!: number;
}
