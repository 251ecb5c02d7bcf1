import type { AlertDoc, ConversationDoc, ReportDoc, StoredReportInsight, SuggestionTip } from '@app/database';
import type { ReportType } from '@app/finance';

/**
 * Our records in the shapes the Reho AI service answered with (kaisarfardin6620/Reho-AI-Service, app/models), so a
 * Reho client finds the fields it reads. Our own fields stay beside them wherever a route is shared.
 */

/** What a Reho client lists for a conversation that has no title yet (Reho only listed titled ones). */
export const UNTITLED = 'New conversation';

/** Reho's ConversationInfo: `{ conversation_id, title, createdAt }`; lastMessageAt is the list's order. */
export function rehoConversation(c: ConversationDoc) {
  return {
    conversation_id: String(c._id),
    title: c.title ?? UNTITLED,
    createdAt: c.createdAt,
    lastMessageAt: c.lastMessageAt,
  };
}

/** Reho's four suggestion categories; ours are finer. */
export type RehoSuggestionCategory = 'Spending' | 'Budgeting' | 'Savings' | 'Debt';

const SUGGESTION_CATEGORY: Record<SuggestionTip['category'], RehoSuggestionCategory> = {
  spending: 'Spending',
  subscriptions: 'Spending',
  budgeting: 'Budgeting',
  // Income tips are about planning what comes in, which Reho filed under budgeting.
  income: 'Budgeting',
  saving: 'Savings',
  debt: 'Debt',
};

/** One sentence as Reho's tips were: our title leads into the detail. */
function sentence(title: string, detail: string): string {
  const lead = title.trim();
  if (!lead) return detail;
  return /[.!?:]$/.test(lead) ? `${lead} ${detail}` : `${lead}. ${detail}`;
}

/** Reho's `suggestions: [{ text, category, createdAt }]` for one of our completed sets. */
export function rehoSuggestions(set: { tips: SuggestionTip[]; completedAt: Date | null; createdAt: Date }) {
  const createdAt = set.completedAt ?? set.createdAt;
  return set.tips.map((t) => ({
    text: sentence(t.title, t.detail),
    category: SUGGESTION_CATEGORY[t.category],
    createdAt,
  }));
}

const ALERT_CATEGORY: Record<AlertDoc['category'], string> = {
  debt: 'Debt',
  'cash-flow': 'Cash Flow',
  budget: 'Budget',
  savings: 'Savings',
};

/** Reho's AdminAlert; the email is the user document's (null once the account is gone). */
export function rehoAlert(a: Pick<AlertDoc, 'userId' | 'message' | 'category' | 'createdAt'>, email: string | null) {
  return {
    userId: String(a.userId),
    userEmail: email,
    alertMessage: a.message,
    category: ALERT_CATEGORY[a.category] ?? a.category,
    createdAt: a.createdAt,
  };
}

/** Reho's health answer carried a sentence beside the status. */
export function rehoHealthMessage(status: 'ok' | 'unavailable'): string {
  return status === 'ok' ? 'AI service is healthy' : 'AI service is unavailable';
}

/** The area a report's insight is about, from the facts it cites (their keys' first part), else the report's. */
const FACT_AREA: Record<string, string> = {
  subscriptions: 'Subscriptions',
  subscription: 'Subscriptions',
  duplicates: 'Spending',
  duplicate: 'Spending',
  discretionary: 'Spending',
  wants: 'Spending',
  spending: 'Spending',
  category: 'Spending',
  needs: 'Budgeting',
  this_month: 'Budgeting',
  overrun: 'Budgeting',
  near_limit: 'Budgeting',
  income: 'Income',
  debts: 'Debt',
  debt: 'Debt',
  payoff: 'Debt',
  what_if: 'Debt',
};

const REPORT_AREA: Record<ReportType, string> = { expenses: 'Spending', budget: 'Budgeting', debt: 'Debt' };

function insightCategory(insight: StoredReportInsight, type: ReportType): string {
  for (const f of insight.figures ?? []) {
    const area = FACT_AREA[f.key.split('.')[0]];
    if (area) return area;
  }
  return REPORT_AREA[type];
}

/**
 * Reho's OptimizationResponse `{ summary, insights: [{ insight, suggestion, category }] }` from a completed report:
 * an insight's title is the observation, its detail the action. Our impact and cited figures ride along.
 */
export function rehoOptimization(report: ReportDoc, cached: boolean) {
  return {
    summary: report.summary ?? '',
    insights: (report.insights ?? []).map((i) => ({
      insight: i.title,
      suggestion: i.detail,
      category: insightCategory(i, report.type),
      impact: i.impact,
      figures: i.figures ?? [],
    })),
    reportId: String(report._id),
    type: report.type,
    completedAt: report.completedAt ?? null,
    cached,
  };
}
