import { Module } from '@nestjs/common';
import { LlmService } from './llm.service';
import { SpendingCaps } from './spending-caps';

@Module({ providers: [LlmService, SpendingCaps], exports: [LlmService, SpendingCaps] })
export class LlmModule {}
