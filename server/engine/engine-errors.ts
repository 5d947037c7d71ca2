/**
 * Roost's own errors at the search-engine boundary. Adapters translate their client's
 * errors into these, so nothing above them sees an Elasticsearch body, a URL or a
 * credential: the HTTP layer maps `EngineUnavailable` to 503 and anything else to a
 * logged 500 with a plain message.
 */

/** The store cannot answer now (unreachable, timed out, red, overloaded); retrying later may work. */
export class EngineUnavailable extends Error {
  override readonly name = 'EngineUnavailable';
}

/** The store refused a request Roost built: a bug in Roost, never the client's fault. */
export class EngineFailure extends Error {
  override readonly name = 'EngineFailure';
  constructor(
    message: string,
    /** The store's status, kept for the log. */
    readonly status?: number,
  ) {
    super(message);
  }
}

/** A conditional write lost to another writer (optimistic concurrency); re-read and retry. */
export class EngineConflict extends Error {
  override readonly name = 'EngineConflict';
}
