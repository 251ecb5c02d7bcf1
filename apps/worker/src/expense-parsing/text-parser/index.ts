export * from './read-expense-text';
export { amountsIn, likeliestAmount, readNumber, type AmountMention } from './money-in-text';
export { dateIn, type DateMention, type DateReadingOptions } from './date-in-text';
export { categoryIn, type CategoryReading } from './expense-category';
export { describeExpense, DESCRIPTION_MAX_CHARS } from './expense-description';
