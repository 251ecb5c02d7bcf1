import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsDefined, IsNotEmpty, IsOptional, IsString, Matches, MaxLength, ValidateIf } from 'class-validator';
import { IsCleanText } from '../../common/clean-text';
import { TRANSPORT } from '../../common/validation';

export const CLIENT_MESSAGE_ID = /^[A-Za-z0-9._-]{1,100}$/;

/** Same shape for `message:send`, POST /chat/messages and its SSE variant. */
export class SendMessageDto {
  @ApiPropertyOptional({ description: 'Omit to start a new conversation' })
  @IsOptional()
  @IsString()
  @Matches(/^[0-9a-fA-F]{24}$/, { message: 'conversationId must be a 24-character hexadecimal ObjectId' })
  conversationId?: string;

  @ApiProperty({ example: 'How much did I spend on groceries this month?' })
  @IsString()
  @IsNotEmpty()
  // The configured CHAT_MAX_MESSAGE_CHARS is checked by the service; this is only a hard ceiling.
  @MaxLength(100_000)
  @IsCleanText()
  text: string;

  @ApiPropertyOptional({
    description: 'Client-chosen id; a resend with the same id is not answered twice. Required on sockets.',
  })
  // Optional over HTTP only: a socket's deltas and done event are matched to the message by this id.
  @IsOptional({ groups: [TRANSPORT.http] })
  @IsDefined({ message: 'clientMessageId is required' })
  @IsString()
  @Matches(CLIENT_MESSAGE_ID, {
    message: 'clientMessageId must be 1-100 characters of letters, digits, ".", "_" or "-"',
  })
  clientMessageId?: string;
}

/** `message:stop`: the message to stop, or every reply of a conversation. */
export class StopMessageDto {
  @ValidateIf((dto: StopMessageDto) => dto.clientMessageId !== undefined || dto.conversationId === undefined)
  @IsDefined({ message: 'clientMessageId or conversationId is required' })
  @IsString()
  @Matches(CLIENT_MESSAGE_ID)
  clientMessageId?: string;

  @IsOptional()
  @IsString()
  @Matches(/^[0-9a-fA-F]{24}$/)
  conversationId?: string;
}
