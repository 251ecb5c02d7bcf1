/** One queue per kind of work (DESIGN.md). The names are the contract between api and worker. */
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

export interface TitleJobData {
  conversationId: string;
  userId: string;
}

/** Job ids derived from our own document ids make a double submit a no-op in BullMQ (which forbids ":" in them). */
export const jobIds = {
  expenseParse: (parseId: string) => `expense-parse-${parseId}`,
  title: (conversationId: string) => `title-${conversationId}`,
};
