import { Module } from '@nestjs/common';
import { AppHelpTool } from './app-help/app-help.tool';
import { BudgetStatusTool } from './budget-status.tool';
import { CHAT_TOOLS, type ChatTool } from './chat-tool';
import { DebtPayoffPlanTool } from './debt-payoff-plan.tool';
import { SavingsGoalProjectionTool } from './savings-goal-projection.tool';
import { SearchTransactionsTool } from './search-transactions.tool';
import { SpendingBreakdownTool } from './spending-breakdown.tool';
import { SubscriptionsTool } from './subscriptions.tool';
import { ChatToolRegistry } from './tool-registry';

/** Every tool the chat model may call: read-only, each over the calling user's data only. */
const TOOLS = [
  SearchTransactionsTool,
  SpendingBreakdownTool,
  BudgetStatusTool,
  DebtPayoffPlanTool,
  SavingsGoalProjectionTool,
  SubscriptionsTool,
  AppHelpTool,
];

/** The chat tools and their registry. Repositories come from the global DatabaseModule. */
@Module({
  providers: [
    ...TOOLS,
    { provide: CHAT_TOOLS, useFactory: (...tools: ChatTool[]) => tools, inject: TOOLS },
    ChatToolRegistry,
  ],
  exports: [ChatToolRegistry],
})
export class ChatToolsModule {}
