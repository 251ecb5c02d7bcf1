import { Module } from '@nestjs/common';
import { RecoverySweep } from './recovery-sweep.service';

/** Finds accepted work whose job was lost or ended without storing an outcome, so no 202 is left hanging. */
@Module({ providers: [RecoverySweep] })
export class RecoveryModule {}
