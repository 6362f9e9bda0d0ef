import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AgentRepository, type AgentSettings, type StoredAgent } from '../infrastructure/agent.repository';
import { AgentLoadCache } from '../infrastructure/agent-load.cache';
import { Clock } from '../infrastructure/clock';
import { TicketRouter } from './ticket-router.service';

export interface SaveAgentCommand extends AgentSettings {
  tenantId: string;
  agentId: string;
}

/** PUT /v1/agents/:id — an online agent with room takes waiting tickets in the same transaction. */
@Injectable()
export class SaveAgentUseCase {
  constructor(
    private readonly agents: AgentRepository,
    private readonly router: TicketRouter,
    private readonly loads: AgentLoadCache,
    private readonly clock: Clock,
  ) {}

  async execute(
    manager: EntityManager,
    cmd: SaveAgentCommand,
  ): Promise<{ agent: StoredAgent; created: boolean }> {
    const { agent, previousStatus } = await this.agents.upsert(manager, cmd.tenantId, cmd.agentId, cmd);
    this.loads.set(cmd.tenantId, agent.id, agent.activeCount);
    if (agent.status === 'online')
      await this.router.fillAgent(manager, cmd.tenantId, agent.id, this.clock.now());
    const saved = (await this.agents.find(cmd.tenantId, agent.id, manager)) ?? agent;
    return { agent: saved, created: previousStatus === null };
  }
}
