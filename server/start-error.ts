/**
 * A reason the server cannot start that the operator fixes in the environment (a database
 * that does not answer, a variable that names nothing): said in one line, exit 1, no stack.
 */
export class StartError extends Error {}
