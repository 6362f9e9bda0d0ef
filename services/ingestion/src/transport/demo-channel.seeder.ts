import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { DEMO_TENANT_ID, InjectConfig } from '@helpdesk/platform';
import { ManageChannelAccountsUseCase } from '../application/manage-channel-accounts.usecase';
import type { IngestionConfig } from '../config';

/** Local development only, like the demo API key: the demo tenant gets a WeChat account with the documented token. */
@Injectable()
export class DemoChannelSeeder implements OnApplicationBootstrap {
  constructor(
    private readonly accounts: ManageChannelAccountsUseCase,
    @InjectConfig() private readonly config: IngestionConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.APP_ENV === 'production' || !this.config.SEED_DEMO) return;
    await this.accounts.seedDemo(DEMO_TENANT_ID, this.config.DEMO_WECHAT_TOKEN);
  }
}
