/** The repository root (tools/..). */
export const root: string;
/** Lets `require` load .ts files and resolve the @app/* aliases. */
export function register(): void;
