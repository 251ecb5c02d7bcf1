import { Global, Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { APP_CONFIG, AppConfig } from '@app/config';
import { ActiveUsersRepository } from './active-users.repository';
import { AiUsageRepository } from './ai-usage.repository';
import { AlertsRepository } from './alerts.repository';
import { ConversationsRepository } from './conversations.repository';
import { ExpenseParsesRepository } from './expense-parses.repository';
import {
  FinanceInputsRepository,
  FinancialContextService,
  FinancialSnapshotService,
  LedgerSearchRepository,
  LedgerVersionRepository,
} from './finance';
import { MessagesRepository } from './messages.repository';
import { MAIN_BACKEND_MODELS } from './main-backend/schemas';
import { OWN_MODELS } from './own';
import { ReportsRepository } from './reports.repository';
import { RoundTripCounter } from './round-trips';
import { SuggestionsRepository } from './suggestions.repository';
import { UsersRepository } from './users.repository';
import { UnfinishedWorkRepository } from './unfinished-work.repository';
import { WriteBatches } from './write-batches';

const REPOSITORIES = [
  UsersRepository,
  ExpenseParsesRepository,
  AiUsageRepository,
  ConversationsRepository,
  MessagesRepository,
  FinanceInputsRepository,
  FinancialContextService,
  FinancialSnapshotService,
  LedgerVersionRepository,
  LedgerSearchRepository,
  ActiveUsersRepository,
  SuggestionsRepository,
  AlertsRepository,
  ReportsRepository,
  UnfinishedWorkRepository,
  RoundTripCounter,
  WriteBatches,
];

@Global()
@Module({
  imports: [
    MongooseModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        uri: config.mongo.uri,
        serverSelectionTimeoutMS: config.mongo.serverSelectionTimeoutMs,
        // Fail fast while Mongo is unreachable instead of queueing requests until they time out.
        bufferCommands: false,
        autoIndex: true,
        // Command events feed RoundTripCounter (how many round trips a chat turn waits on before the model).
        monitorCommands: true,
      }),
    }),
    MongooseModule.forFeature([...MAIN_BACKEND_MODELS, ...OWN_MODELS]),
  ],
  providers: REPOSITORIES,
  exports: [MongooseModule, ...REPOSITORIES],
})
export class DatabaseModule {}
