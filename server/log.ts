import pino from 'pino';

/** One JSON logger for the server and the command-line tools (stderr, so stdout stays data). */
export const log = pino({ level: process.env.LOG_LEVEL ?? 'info', base: { app: 'roost' } }, pino.destination(2));
