/**
 * Socket.io room names. Every socket joins its user's and its session's room on connect, so a
 * user's (or one session's) sockets can be reached or closed at once, and the room of each
 * conversation the user belongs to, which is where that conversation's events are broadcast.
 */

/** All sockets of one user. */
export const userRoom = (userId: string): string => `user:${userId}`;

/** All sockets of one session (one signed-in client). */
export const sessionRoom = (sessionId: string): string => `session:${sessionId}`;

/** The members' sockets of one conversation. */
export const conversationRoom = (convId: string): string => `conv:${convId}`;
