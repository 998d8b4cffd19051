/** How often the database is asked while it answers, and while it does not. */
export interface DatabaseWatchIntervals {
  upMs: number;
  downMs: number;
}

const DEFAULT_INTERVALS: DatabaseWatchIntervals = { upMs: 5_000, downMs: 1_000 };

/**
 * Notices when the database goes away and when it comes back, so that the people in the inbox
 * see "reconnecting…" instead of buttons that fail one by one, and see it end by itself. Their
 * socket stays up through a database outage (socket.io does not need the database), so the
 * socket's own state cannot tell them. A heartbeat asks the database every few seconds, every
 * second while it is away; a lost pool connection (`suspect`) asks at once.
 */
export class DatabaseWatch {
  private available = true;
  private checking = false;
  private stopped = false;
  private timer?: NodeJS.Timeout;

  constructor(
    /** True when the database answers (DatabaseHealthStore.answers: `SELECT 1` within a second). */
    private readonly answers: () => Promise<boolean>,
    private readonly onChange: (available: boolean) => void,
    private readonly intervals: DatabaseWatchIntervals = DEFAULT_INTERVALS,
  ) {}

  get isAvailable(): boolean {
    return this.available;
  }

  start(): void {
    this.schedule();
  }

  /** Something failed on a database connection: check now rather than at the next beat. */
  suspect(): void {
    if (this.available) void this.check();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private async check(): Promise<void> {
    if (this.checking || this.stopped) return;
    this.checking = true;
    clearTimeout(this.timer);
    try {
      const answers = await this.answers().catch(() => false);
      if (!this.stopped && answers !== this.available) {
        this.available = answers;
        this.onChange(answers);
      }
    } finally {
      this.checking = false;
      this.schedule();
    }
  }

  private schedule(): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.check(), this.available ? this.intervals.upMs : this.intervals.downMs);
    this.timer.unref();
  }
}
