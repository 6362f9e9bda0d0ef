import { Injectable } from '@nestjs/common';
import { Counter, Gauge } from 'prom-client';
import { DataSource } from 'typeorm';
import { ServiceInfrastructure } from '@helpdesk/platform';

/** What operators watch on the channels: pushes accepted or refused, delivery outcomes, replies waiting. */
@Injectable()
export class ChannelMetrics {
  readonly wechatPushes: Counter<'outcome'>;
  readonly deliveryAttempts: Counter<'channel' | 'outcome'>;
  readonly webhookAttempts: Counter<'outcome'>;

  constructor(infra: ServiceInfrastructure, dataSource: DataSource) {
    const registers = [infra.metrics.registry];
    this.wechatPushes = new Counter({
      name: 'wechat_pushes_total',
      help: 'WeChat pushes by outcome: stored, duplicate (a WeChat retry), rejected',
      labelNames: ['outcome'],
      registers,
    });
    this.deliveryAttempts = new Counter({
      name: 'reply_delivery_attempts_total',
      help: 'Outbound reply delivery attempts by channel and outcome (delivered, retry, failed = dead-lettered)',
      labelNames: ['channel', 'outcome'],
      registers,
    });
    this.webhookAttempts = new Counter({
      name: 'crm_webhook_attempts_total',
      help: 'CRM webhook delivery attempts by outcome (delivered, retry, failed = dead-lettered)',
      labelNames: ['outcome'],
      registers,
    });
    new Gauge({
      name: 'crm_webhook_backlog',
      help: 'CRM webhook deliveries waiting, being sent or waiting for a retry',
      registers,
      async collect() {
        const rows = await dataSource
          .query<Array<{ n: string }>>(
            `SELECT count(*) AS n FROM "ingestion"."webhook_deliveries" WHERE "status" IN ('pending', 'sending', 'retrying')`,
          )
          .catch((): Array<{ n: string }> => [{ n: '-1' }]);
        this.set(Number(rows[0]?.n ?? -1));
      },
    });
    new Gauge({
      name: 'reply_delivery_backlog',
      help: 'Outbound replies queued or waiting for a retry',
      registers,
      async collect() {
        const rows = await dataSource
          .query<Array<{ n: string }>>(
            `SELECT count(*) AS n FROM "ingestion"."messages" WHERE "delivery_status" IN ('queued', 'sending', 'retrying')`,
          )
          .catch((): Array<{ n: string }> => [{ n: '-1' }]);
        this.set(Number(rows[0]?.n ?? -1));
      },
    });
  }
}
