/**
 * What `npm start` fills in when a setting is missing. They live here, beside validation, so the launcher and the
 * production check refuse exactly the same values.
 */

/** Public on purpose (it is in the repository): anyone can sign a token with it, so production refuses it. */
export const DEV_JWT_SECRET = 'dev-only-secret-change-me';

/** The API key `npm start` gives the api and worker when it runs the offline demo model instead of a real one. */
export const OFFLINE_DEMO_API_KEY = 'offline-demo';
