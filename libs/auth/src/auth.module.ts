import { Module } from '@nestjs/common';
import { PassportModule } from '@nestjs/passport';
import { AuthService } from './auth.service';
import { AdminGuard, JwtAuthGuard } from './guards';
import { JwtStrategy } from './jwt.strategy';
import { TokenVerifier } from './token-verifier';

@Module({
  imports: [PassportModule],
  providers: [TokenVerifier, AuthService, JwtStrategy, JwtAuthGuard, AdminGuard],
  exports: [AuthService, TokenVerifier, JwtAuthGuard, AdminGuard],
})
export class AuthModule {}
