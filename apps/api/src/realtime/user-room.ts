/** Every socket of a user joins this room, so any instance (or the worker, via Redis) can reach them all. */
export const userRoom = (userId: string) => `user:${userId}`;
