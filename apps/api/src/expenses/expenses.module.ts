import { Module } from '@nestjs/common';
import { ExpenseParsingService } from './expense-parsing.service';
import { ExpensesController } from './expenses.controller';

@Module({ controllers: [ExpensesController], providers: [ExpenseParsingService] })
export class ExpensesModule {}
