import { Body, Controller, Get, HttpCode, Inject, Param, Post, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiOperation, ApiTags, ApiTooManyRequestsResponse } from '@nestjs/swagger';
import type { Response } from 'express';
import { AuthUser, CurrentUser } from '@app/auth';
import { APP_CONFIG, AppConfig } from '@app/config';
import { NoBodyPipe } from '../common/no-body.pipe';
import { ObjectIdPipe } from '../common/object-id.pipe';
import { enforce, setRateLimitHeaders } from '../limits/rate-limit-headers';
import { RateLimiterService } from '../limits/rate-limiter.service';
import { rehoSuggestions } from '../reho-compat/reho-views';
import { SuggestionsService } from './suggestions.service';

@ApiTags('suggestions')
@ApiBearerAuth()
@Controller('suggestions')
export class SuggestionsController {
  constructor(
    private readonly suggestions: SuggestionsService,
    private readonly limiter: RateLimiterService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get()
  @ApiOperation({
    summary:
      "The latest completed set of three tips for the caller, with Reho's suggestions: [{ text, category, createdAt }] " +
      'beside our fields; 404 when none has been made yet',
  })
  async latest(@CurrentUser() user: AuthUser) {
    const set = await this.suggestions.latest(user.id);
    return { ...set, suggestions: rehoSuggestions(set) };
  }

  @Post('refresh')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Queue a new set for the caller (rate limited); the "suggestions:ready" socket event says when it is done',
  })
  @ApiAcceptedResponse({ description: '{ id, status: "pending" }; poll GET /suggestions/:id' })
  @ApiTooManyRequestsResponse({ description: 'Too many refreshes; Retry-After says when to try again' })
  async refresh(
    @CurrentUser() user: AuthUser,
    @Body(NoBodyPipe) _body: undefined,
    @Res({ passthrough: true }) res: Response,
  ) {
    const { refreshLimit, refreshWindowMs } = this.config.suggestions;
    const decision = await this.limiter.consume('suggestions-refresh', user.id, refreshLimit, refreshWindowMs);
    setRateLimitHeaders(res, decision);
    enforce(decision, 'suggestion refreshes');
    const view = await this.suggestions.refresh(user.id);
    return { id: view.id, status: view.status };
  }

  @Get(':id')
  @ApiOperation({ summary: 'One of the caller’s sets: pending, completed (with tips) or failed (with error)' })
  get(@CurrentUser() user: AuthUser, @Param('id', ObjectIdPipe) id: string) {
    return this.suggestions.get(user.id, id);
  }
}
