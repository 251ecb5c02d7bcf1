import { Global, Module } from '@nestjs/common';
import { LlmModule } from '@app/llm';
import { SpendingCapCheck } from './spending-cap-check';
import { UsageController } from './usage.controller';

/** GET /usage, and the up-front spending-cap check every model-backed route makes. */
@Global()
@Module({
  imports: [LlmModule],
  controllers: [UsageController],
  providers: [SpendingCapCheck],
  exports: [SpendingCapCheck],
})
export class UsageModule {}
