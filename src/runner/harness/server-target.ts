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
  start(): Promise<void>;
  stop(graceful: boolean): Promise<void>;
  close(): Promise<void>;
}
