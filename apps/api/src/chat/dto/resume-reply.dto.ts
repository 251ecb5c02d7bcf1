import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';

/** Where to pick a reply up: the last delta the client has. The query of GET /chat/messages/:messageId/stream. */
export class ReplyCursorDto {
  @ApiPropertyOptional({ description: 'The seq of the last delta the client has; -1 (the default) replays them all' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(-1)
  @Max(10_000_000)
  afterSeq?: number;
}

/** `message:resume`: the reply to follow, and where. */
export class ResumeReplyDto extends ReplyCursorDto {
  @IsString()
  @Matches(/^[0-9a-fA-F]{24}$/, { message: 'messageId must be a 24-character hexadecimal ObjectId' })
  messageId: string;
}
