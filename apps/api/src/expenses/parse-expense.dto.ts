import { ApiProperty } from '@nestjs/swagger';
import { IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { IsCleanText } from '../common/clean-text';

export class ParseExpenseDto {
  @ApiProperty({ example: 'Bought groceries at Walmart for $45.50', maxLength: 500 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(500)
  @IsCleanText()
  text: string;
}
