import { DynamicModule, Global, Module } from '@nestjs/common';
import { AppLogger } from './app-logger';

/** Makes the process's one AppLogger injectable by class, in the api and the worker alike. */
@Global()
@Module({})
export class LoggingModule {
  static forRoot(logger: AppLogger): DynamicModule {
    return { module: LoggingModule, providers: [{ provide: AppLogger, useValue: logger }], exports: [AppLogger] };
  }
}
