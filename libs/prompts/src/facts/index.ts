export * from './fact-sheet';
export * from './figure-reader';
export * from './known-figures';
export * from './citation-check';
export * from './reply-verification';
