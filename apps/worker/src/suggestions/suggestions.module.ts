import { Module } from '@nestjs/common';
import { LlmModule } from '@app/llm';
import { DailyModule } from '../daily/daily.module';
import { SuggestionWriter } from './suggestion-writer';
import { SuggestionsProcessor } from './suggestions.processor';

@Module({ imports: [LlmModule, DailyModule], providers: [SuggestionWriter, SuggestionsProcessor] })
export class SuggestionsModule {}
