/** The alert server a run talks to: in-process, a child process, or external. */
export interface ServerTarget {
  /** `http://127.0.0.1:PORT` of the server (publisher, revocation, health). */
  readonly httpUrl: string;
  /** `host:port` the fault proxy forwards to. */
  readonly upstream: string;
  /** The HS256 secret tokens are signed with. */
  readonly secret: string;
  /** True when stop/start are possible. */
  readonly restartable: boolean;
  /**
   * Optional: connections closed by code over every start so far, read from the server's own
   * registry (the in-process server; the others are scraped over HTTP).
   */
  closes?(): Promise<Record<string, number>>;
  /**
   * Optional (a child process): real ms each start took, spawn to ready. A restart's start is
   * machine time that timeScale does not shrink.
   */
  readonly startTimesMs?: readonly number[];
  start(): Promise<void>;
  stop(graceful: boolean): Promise<void>;
  close(): Promise<void>;
}
