import { toDbTime, fromDbTime } from '../../db/sql';
import type { Logger } from '../../logger';
import type { CalendarService } from '../calendar/service';
import type { ApplicationRepo } from './repo';

/** Yellow starts at most this far before the deadline (one working day can span a long holiday). */
const YELLOW_HORIZON_MS = 12 * 86_400_000;
const BATCH = 500;

/**
 * The SLA sweep (电子监察): a periodic query over the indexed deadline column that turns lights
 * yellow (one working day or less left) and red (overdue). Safe with several BFF processes: each
 * change is a compare-and-set on the light, so two sweeps never both report the same change.
 * Paused cases (补正 outstanding) are skipped: their clock stands still.
 */
export class SlaSweep {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;

  constructor(
    private readonly repo: ApplicationRepo,
    private readonly calendar: CalendarService,
    private readonly logger: Logger,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** One pass; returns the changes this process made. */
  async run(): Promise<{ yellow: number; red: number }> {
    const now = this.now();
    const rows = await this.repo.casesForSweep(toDbTime(new Date(now.getTime() + YELLOW_HORIZON_MS)), BATCH);
    let yellow = 0;
    let red = 0;
    for (const row of rows) {
      if (row.clock === 'paused' || !row.deadline_at) continue;
      const status = await this.calendar.deadlineStatus(new Date(fromDbTime(row.deadline_at)), now);
      if (status === 'green' || status === row.clock) continue;
      if (await this.repo.setClock(row.case_no, row.clock, status)) {
        if (status === 'red') red++;
        else yellow++;
      }
    }
    if (yellow || red) this.logger.info({ yellow, red }, 'SLA sweep changed deadline lights');
    return { yellow, red };
  }

  start(intervalMs: number): void {
    if (this.timer || intervalMs <= 0) return;
    this.timer = setInterval(() => {
      if (this.running) return;
      this.running = this.run()
        .catch((err: unknown) => this.logger.error({ err }, 'SLA sweep failed'))
        .finally(() => (this.running = null));
    }, intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }
}
