import { InvalidCursorError } from '@helpdesk/persistence';
import { ProblemException, type DomainErrorMapper } from '@helpdesk/platform';
import { EmailParseError } from '../domain/channels/email/email-parse.error';
import { IdentityError } from '../domain/channels/identity/customer-identity';
import { CallEventError } from '../domain/channels/phone/call-event.error';
import { WeChatProtocolError } from '../domain/channels/wechat/wechat-protocol.error';
import { IngestionErrorCode, IngestionException } from '../domain/ingestion.exception';

const statusOf = (code: IngestionErrorCode): number => {
  switch (code) {
    case IngestionErrorCode.MessageNotFound:
    case IngestionErrorCode.CustomerNotFound:
    case IngestionErrorCode.ChannelAccountNotFound:
    case IngestionErrorCode.WebhookNotFound:
    case IngestionErrorCode.WebhookDeliveryNotFound:
      return 404;
    case IngestionErrorCode.ConversationNotFound:
    case IngestionErrorCode.ChannelNotConfigured:
    case IngestionErrorCode.WebhookLimitReached:
    case IngestionErrorCode.ReplayRangeTooLarge:
      return 422;
    case IngestionErrorCode.InvalidIdentifier:
    case IngestionErrorCode.MissingIdentifier:
    case IngestionErrorCode.InvalidChannelAccount:
    case IngestionErrorCode.InvalidQuery:
    case IngestionErrorCode.InvalidWebhook:
      return 400;
    case IngestionErrorCode.MergeConflict:
    case IngestionErrorCode.IdentityConflict:
    case IngestionErrorCode.WebhookDeliveryOpen:
      return 409;
  }
};

function weChatProblem(error: WeChatProtocolError): ProblemException {
  switch (error.code) {
    case 'bad-signature':
      return new ProblemException(
        401,
        'the request is not signed by a WeChat account of this tenant',
        undefined,
        undefined,
        'wechat-bad-signature',
      );
    case 'too-large':
      return new ProblemException(413, error.reason, undefined, undefined, 'wechat-too-large');
    case 'invalid-aes-key':
      // Signed by WeChat, but the account lacks a usable EncodingAESKey: the tenant's configuration, not the push.
      return new ProblemException(422, error.reason, undefined, undefined, 'wechat-account-not-configured');
    case 'malformed-xml':
    case 'forbidden-dtd':
    case 'missing-field':
    case 'decrypt-failed':
    case 'app-id-mismatch':
      return new ProblemException(
        400,
        error.reason,
        error.field ? [{ field: error.field, message: error.reason }] : undefined,
        undefined,
        `wechat-${error.code}`,
      );
  }
}

export const mapIngestionError: DomainErrorMapper = (error) => {
  if (error instanceof IngestionException) {
    const errors = error.problems
      ? [...error.problems]
      : error.field
        ? [{ field: error.field, message: error.message }]
        : undefined;
    return new ProblemException(statusOf(error.code), error.message, errors, undefined, error.code);
  }
  if (error instanceof EmailParseError) {
    return new ProblemException(
      error.code === 'too-large' ? 413 : 400,
      error.reason,
      undefined,
      undefined,
      `email-${error.code}`,
    );
  }
  if (error instanceof WeChatProtocolError) return weChatProblem(error);
  if (error instanceof CallEventError) {
    return new ProblemException(
      400,
      `${error.field} ${error.reason}`,
      [{ field: error.field, message: error.reason }],
      undefined,
      error.code,
    );
  }
  if (error instanceof IdentityError) {
    return new ProblemException(
      400,
      error.reason,
      [{ field: error.type, message: error.reason }],
      undefined,
      error.code,
    );
  }
  if (error instanceof InvalidCursorError)
    return new ProblemException(400, error.message, [{ field: 'cursor', message: error.message }]);
  return undefined;
};
