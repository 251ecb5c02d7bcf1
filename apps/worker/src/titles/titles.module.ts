import { Module } from '@nestjs/common';
import { LlmModule } from '@app/llm';
import { TitleProcessor } from './title.processor';

@Module({ imports: [LlmModule], providers: [TitleProcessor] })
export class TitlesModule {}
