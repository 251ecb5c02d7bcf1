import { Module } from '@nestjs/common';
import { LlmModule } from '@app/llm';
import { ExpenseParseProcessor } from './expense-parse.processor';

@Module({ imports: [LlmModule], providers: [ExpenseParseProcessor] })
export class ExpenseParsingModule {}
