import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Put, Query, Res } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CurrentAuth, ProblemException, RequireScopes, type AuthContext } from '@helpdesk/platform';
import { GetCustomerUseCase } from '../application/get-customer.usecase';
import { MergeCustomersUseCase } from '../application/merge-customers.usecase';
import { UpsertCrmCustomerUseCase } from '../application/upsert-crm-customer.usecase';
import { CrmCustomerDto, CustomerLookupQueryDto, CustomerViewDto, MergeCustomersDto } from './customers.dto';

const uuidPipe = new ParseUUIDPipe({
  exceptionFactory: () =>
    new ProblemException(400, 'id must be a UUID', [{ field: 'id', message: 'must be a UUID' }]),
});

@ApiTags('customers')
@Controller('v1/customers')
export class CustomersController {
  constructor(
    private readonly customers: GetCustomerUseCase,
    private readonly mergeCustomers: MergeCustomersUseCase,
    private readonly upsertCrm: UpsertCrmCustomerUseCase,
  ) {}

  @Get()
  @RequireScopes('customers:read')
  @ApiOperation({ summary: 'Looks one customer up by exactly one identifier' })
  @ApiOkResponse({ type: CustomerViewDto })
  @ApiNotFoundResponse({ description: 'no customer has this identifier' })
  async lookup(
    @CurrentAuth() auth: AuthContext,
    @Query() query: CustomerLookupQueryDto,
  ): Promise<CustomerViewDto> {
    return this.customers.lookup(auth.tenantId, query);
  }

  @Get(':id')
  @RequireScopes('customers:read')
  @ApiOperation({ summary: 'The unified customer: identities on every channel and every conversation' })
  @ApiOkResponse({ type: CustomerViewDto })
  async get(@CurrentAuth() auth: AuthContext, @Param('id', uuidPipe) id: string): Promise<CustomerViewDto> {
    return this.customers.byId(auth.tenantId, id);
  }

  @Post(':id/merge')
  @HttpCode(200)
  @RequireScopes('admin')
  @ApiOperation({
    summary:
      'Merges sourceCustomerId into this customer: identities, conversations and messages move; audited',
  })
  @ApiOkResponse({ type: CustomerViewDto })
  @ApiConflictResponse({ description: 'the source was merged elsewhere, or both carry different CRM ids' })
  async merge(
    @CurrentAuth() auth: AuthContext,
    @Param('id', uuidPipe) id: string,
    @Body() dto: MergeCustomersDto,
  ): Promise<CustomerViewDto> {
    const { view } = await this.mergeCustomers.execute({
      tenantId: auth.tenantId,
      targetId: id,
      sourceId: dto.sourceCustomerId,
      mergedBy: auth.keyId,
    });
    return view;
  }

  @Put('by-external/:externalId')
  @RequireScopes('admin')
  @ApiOperation({
    summary: 'CRM upsert by external id: name, tier (VIP status comes from the CRM) and identifiers',
  })
  @ApiOkResponse({ type: CustomerViewDto, description: 'updated' })
  @ApiCreatedResponse({ type: CustomerViewDto, description: 'created' })
  @ApiConflictResponse({ description: 'an identifier belongs to another customer: merge first' })
  async upsertByExternalId(
    @CurrentAuth() auth: AuthContext,
    @Param('externalId') externalId: string,
    @Body() dto: CrmCustomerDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CustomerViewDto> {
    const { view, created } = await this.upsertCrm.execute({
      tenantId: auth.tenantId,
      externalId,
      name: dto.name,
      tier: dto.tier,
      identities: dto.identities,
    });
    void reply.status(created ? 201 : 200);
    return view;
  }
}
