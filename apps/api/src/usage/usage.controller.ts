import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuthUser, CurrentUser } from '@app/auth';
import { SpendingCaps, UsageToday } from '@app/llm';
import { NoQueryPipe } from './no-query.pipe';

@ApiTags('usage')
@ApiBearerAuth()
@Controller('usage')
export class UsageController {
  constructor(private readonly caps: SpendingCaps) {}

  @Get()
  @ApiOperation({
    summary: "The caller's model use today and what is left, per feature and overall, in USD and tokens",
  })
  @ApiOkResponse({
    description:
      '{ day, timeZone, resetsAt, overall, features: { chat, reports, parsing, suggestions } }, each { tokens, usd } of { used, limit, remaining } (limit and remaining null when not capped)',
  })
  // No parameters: the caller only ever sees their own use (?userId=... is a 400, never someone else's).
  today(@CurrentUser() user: AuthUser, @Query(NoQueryPipe) _query: undefined): Promise<UsageToday> {
    return this.caps.usageToday(user.id);
  }
}
