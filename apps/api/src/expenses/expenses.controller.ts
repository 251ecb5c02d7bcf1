import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuthUser, CurrentUser } from '@app/auth';
import { ObjectIdPipe } from '../common/object-id.pipe';
import { ExpenseParsingService } from './expense-parsing.service';
import { ParseExpenseDto } from './parse-expense.dto';

@ApiTags('expenses')
@ApiBearerAuth()
@Controller('expenses')
export class ExpensesController {
  constructor(private readonly parsing: ExpenseParsingService) {}

  @Post('parse')
  @HttpCode(202)
  @ApiOperation({ summary: 'Queue free text to be parsed into a structured, categorised expense' })
  @ApiAcceptedResponse({ description: '{ id, status: "processing" }; poll GET /expenses/parse/:id' })
  async parse(@CurrentUser() user: AuthUser, @Body() dto: ParseExpenseDto) {
    const view = await this.parsing.submit(user.id, dto.text);
    return { id: view.id, status: view.status };
  }

  @Get('parse/:id')
  @ApiOperation({ summary: 'processing | completed (with result) | failed (with reason)' })
  get(@CurrentUser() user: AuthUser, @Param('id', ObjectIdPipe) id: string) {
    return this.parsing.get(user.id, id);
  }

  @Get('categories')
  @ApiOperation({ summary: 'The fixed category list expense parsing chooses from' })
  categories() {
    return { categories: this.parsing.categories() };
  }
}
