export * from './fact-sheet';
export * from './citation-check';
