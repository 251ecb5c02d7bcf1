/**
 * One queue per kind of work, so each has its own retries, limiter and failed set (README: "Architecture").
 * The names are the contract between api and worker.
 */
export const QUEUES = {
  reports: 'reports',
  suggestions: 'suggestions',
  alerts: 'alerts',
  titles: 'titles',
  expenseParsing: 'expense-parsing',
} as const;

export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];
export const ALL_QUEUES: QueueName[] = Object.values(QUEUES);

export interface ExpenseParseJobData {
  parseId: string;
  userId: string;
}

/** The api created the queued report; the worker computes its figures and words them. */
export interface ReportJobData {
  reportId: string;
  userId: string;
}

export interface TitleJobData {
  conversationId: string;
  userId: string;
}

/**
 * Daily work (suggestions, alert screening): a job scheduler adds one `fanOut` job per day, which queues one
 * per-user job for every active user. `dateKey` is the local day (TIME_ZONE) the work is for, 'YYYY-MM-DD'.
 */
export const DAILY_JOB_NAMES = { fanOut: 'fan-out', suggest: 'suggest', screen: 'screen' } as const;

/** Set by hand (an operator or a test) to fan out for a given day; the scheduler's jobs carry none. */
export interface DailyFanOutJobData {
  dateKey?: string;
}

/** A daily set (no suggestionId: the worker creates it) or a user's refresh (the api created the pending set). */
export interface SuggestionJobData {
  userId: string;
  dateKey: string;
  suggestionId?: string;
}

export interface AlertScreenJobData {
  userId: string;
  dateKey: string;
}

const compactDay = (dateKey: string) => dateKey.replace(/-/g, '');

/** Job ids derived from our own document ids make a double submit a no-op in BullMQ (which forbids ":" in them). */
export const jobIds = {
  expenseParse: (parseId: string) => `expense-parse-${parseId}`,
  title: (conversationId: string) => `title-${conversationId}`,
  report: (reportId: string) => `report-${reportId}`,
  dailySuggestion: (userId: string, dateKey: string) => `suggest-${userId}-${compactDay(dateKey)}`,
  suggestionRefresh: (suggestionId: string) => `suggest-refresh-${suggestionId}`,
  alertScreen: (userId: string, dateKey: string) => `screen-${userId}-${compactDay(dateKey)}`,
};
