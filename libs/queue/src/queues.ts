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

/**
 * Job data names the stored record the work is for, and nothing else is needed: the worker reads the owner (and the
 * note, the report type, ...) from that record. Anyone with Redis or board access can rewrite job data, so a `userId`
 * beside the id is a claim, never trusted: when present it must be the record's owner, or the job fails as
 * unrecoverable before anything is written for it (reportJob says what a report job does with it meanwhile).
 */
export interface ExpenseParseJobData {
  parseId: string;
  /** Compared with the parse's owner, never used. */
  userId?: string;
}

/** The api created the queued report; the worker computes its figures and words them. */
export interface ReportJobData {
  reportId: string;
  /** The owner as claimed: compared with the report's, never trusted (reportJob). Absent from older producers. */
  userId?: string;
}

/**
 * A report's job data, as every producer sends it: the id and the owner's claim. With the claim, the worker reads
 * the owner's figures and holds the model call's tokens while it starts the report, instead of after: one wait
 * instead of three before the model is called. The start matches on the claimed owner, so a rewritten claim reads
 * another user's figures into nothing and holds their allowance only until the job fails.
 */
export function reportJob(report: { _id: unknown; userId: unknown }): ReportJobData {
  return { reportId: String(report._id), userId: String(report.userId) };
}

export interface TitleJobData {
  conversationId: string;
  /** Compared with the conversation's owner, never used. */
  userId?: string;
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

/**
 * A daily set (no suggestionId: the worker creates it for `userId` and `dateKey`, which it checks: an active user,
 * a day near today) or a user's refresh (the api created the pending set, whose owner and day the worker uses;
 * `userId` must agree with it).
 */
export interface SuggestionJobData {
  userId: string;
  dateKey: string;
  suggestionId?: string;
}

/** One user's screening for one day: the worker checks the user is active and the day near today. */
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
