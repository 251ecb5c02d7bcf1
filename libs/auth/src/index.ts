export * from './auth-user';
export * from './auth.module';
export * from './auth.service';
export * from './decorators';
export * from './guards';
export * from './socket-auth';
export * from './token-verifier';
