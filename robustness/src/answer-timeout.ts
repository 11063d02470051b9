/**
 * How long a probe waits for an answer before it counts the server as hung, ms.
 * Generous for a loaded 2-core machine (answers normally take milliseconds), and
 * below every server-side timer that could answer in the server's place (LongPoll
 * window 10 s, SockJS heartbeat 25 s, idle close 60 s), so a timer never hides a hang.
 */
export const ANSWER_TIMEOUT_MS = 8000;
