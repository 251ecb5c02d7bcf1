import { Module } from '@nestjs/common';
import { PlaygroundController } from './playground.controller';

/** Development only: ApiModule leaves it out when NODE_ENV=production, so /playground is a 404 there. */
@Module({ controllers: [PlaygroundController] })
export class PlaygroundModule {}
