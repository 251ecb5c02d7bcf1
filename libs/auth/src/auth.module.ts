import { Module } from '@nestjs/common';
import { AuthService } from './auth.service';
import { AdminGuard, JwtAuthGuard } from './guards';
import { JwtStrategy } from './jwt.strategy';
import { TokenVerifier } from './token-verifier';

@Module({
  providers: [TokenVerifier, AuthService, JwtStrategy, JwtAuthGuard, AdminGuard],
  exports: [AuthService, TokenVerifier, JwtStrategy, JwtAuthGuard, AdminGuard],
})
export class AuthModule {}
