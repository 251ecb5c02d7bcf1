import { Body, Controller, Get, HttpCode, Inject, Param, Post, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiOperation, ApiTags, ApiTooManyRequestsResponse } from '@nestjs/swagger';
import type { Response } from 'express';
import { AuthUser, CurrentUser } from '@app/auth';
import { APP_CONFIG, AppConfig } from '@app/config';
import { ObjectIdPipe } from '../common/object-id.pipe';
import { enforce, setRateLimitHeaders } from '../limits/rate-limit-headers';
import { RateLimiterService } from '../limits/rate-limiter.service';
import { ExpenseParsingService } from './expense-parsing.service';
import { ParseExpenseDto } from './parse-expense.dto';

@ApiTags('expenses')
@ApiBearerAuth()
@Controller('expenses')
export class ExpensesController {
  constructor(
    private readonly parsing: ExpenseParsingService,
    private readonly limiter: RateLimiterService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Post('parse')
  @HttpCode(202)
  @ApiOperation({ summary: 'Queue free text to be parsed into a structured, categorised expense' })
  @ApiAcceptedResponse({ description: '{ id, status: "processing" }; poll GET /expenses/parse/:id' })
  @ApiTooManyRequestsResponse({ description: 'Too many parses; Retry-After says when to try again' })
  async parse(@CurrentUser() user: AuthUser, @Body() dto: ParseExpenseDto, @Res({ passthrough: true }) res: Response) {
    // Each parse is a model call: the limit bounds what one user can spend.
    const decision = await this.limiter.consume(
      'expense-parse',
      user.id,
      this.config.expenses.rateLimit,
      this.config.expenses.rateWindowMs,
    );
    setRateLimitHeaders(res, decision);
    enforce(decision, 'expense parses');
    const view = await this.parsing.submit(user.id, dto.text);
    return { id: view.id, status: view.status };
  }

  @Get('parse/:id')
  @ApiOperation({ summary: 'processing | completed (with result) | failed (with reason)' })
  get(@CurrentUser() user: AuthUser, @Param('id', ObjectIdPipe) id: string) {
    return this.parsing.get(user.id, id);
  }

  @Get('categories')
  @ApiOperation({ summary: 'The fixed category list expense parsing chooses from' })
  categories() {
    return { categories: this.parsing.categories() };
  }
}
