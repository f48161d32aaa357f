import type { Presentation } from '@onevisit/shared-types/client';
import { isRetryable } from './errors';
import { localExpiry, nextRefreshDelay, retryDelay, windowOver, AUTO_REFRESH_WINDOW_MS } from './schedule';

/**
 * The life of a shown QR code, free of Taro and React so it can be tested with a fake clock:
 * fetch a token, show it, fetch the next one shortly before it expires, retry a failed fetch while
 * the shown token is still valid, stop when the page hides, and stop for good after
 * AUTO_REFRESH_WINDOW_MS until the citizen taps to continue.
 */

export type LoopStatus =
  /** Nothing asked yet. */
  | 'idle'
  /** The first token of a run is being fetched. */
  | 'loading'
  /** A token is shown and refreshed automatically. */
  | 'live'
  /** Automatic refreshing stopped (the window is over): tap to continue. */
  | 'paused'
  /** No valid token and no automatic retry (a refusal, or every retry failed). */
  | 'failed';

export interface LoopState {
  status: LoopStatus;
  presentation?: Presentation;
  /** Local expiry of `presentation` (see localExpiry). */
  expiresAt: number;
  /** A fetch is in flight. */
  refreshing: boolean;
  /** The last failure (cleared by a success). */
  error?: unknown;
}

export interface LoopDeps {
  fetch: () => Promise<Presentation>;
  onChange: (state: LoopState) => void;
  now?: () => number;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
  windowMs?: number;
  /** Failed refreshes in a row before giving up (while the shown token lasts). */
  maxRetries?: number;
}

export class PresentationLoop {
  private state: LoopState = { status: 'idle', expiresAt: 0, refreshing: false };
  private timer: unknown;
  private seq = 0;
  private startedAt = 0;
  private failures = 0;
  private visible = true;
  private readonly now: () => number;
  private readonly setTimer: (fn: () => void, ms: number) => unknown;
  private readonly clearTimer: (handle: unknown) => void;
  private readonly windowMs: number;
  private readonly maxRetries: number;

  constructor(private readonly deps: LoopDeps) {
    this.now = deps.now ?? (() => Date.now());
    this.setTimer = deps.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
    this.clearTimer = deps.clearTimer ?? ((h) => clearTimeout(h as ReturnType<typeof setTimeout>));
    this.windowMs = deps.windowMs ?? AUTO_REFRESH_WINDOW_MS;
    this.maxRetries = deps.maxRetries ?? 4;
  }

  get current(): LoopState {
    return this.state;
  }

  /** Whether a timer is pending (for tests and for the page's own checks). */
  get scheduled(): boolean {
    return this.timer !== undefined;
  }

  /** A new run: fetch now, refresh automatically for the window from now. Also "tap to continue". */
  start(): void {
    this.startedAt = this.now();
    this.failures = 0;
    this.visible = true;
    this.set({ status: this.state.presentation && this.state.status === 'live' ? 'live' : 'loading', error: undefined });
    void this.refresh();
  }

  /** The page hid (or unloads): no timer runs, answers still in flight are dropped. */
  hide(): void {
    this.visible = false;
    this.cancelTimer();
    this.seq++;
    if (this.state.refreshing) this.set({ refreshing: false });
  }

  /**
   * The page shows again: carry on where a run was — pause if the window ended meanwhile, fetch
   * now if the token is (nearly) spent, otherwise wait for its refresh time.
   */
  show(): void {
    this.visible = true;
    const { status } = this.state;
    if (status !== 'live' && status !== 'loading') return;
    const now = this.now();
    if (windowOver(this.startedAt, now, this.windowMs)) {
      this.pause();
      return;
    }
    if (status === 'loading' || !this.state.presentation) {
      void this.refresh();
      return;
    }
    const delay = nextRefreshDelay(now, this.state.expiresAt, 0);
    if (delay === 0) void this.refresh();
    else this.schedule(delay);
  }

  /** Stops everything for good (page unload). */
  destroy(): void {
    this.hide();
  }

  private pause(): void {
    this.cancelTimer();
    this.seq++;
    this.set({ status: 'paused', refreshing: false });
  }

  private async refresh(): Promise<void> {
    this.cancelTimer();
    if (!this.visible) return;
    const sentAt = this.now();
    if (this.state.status === 'live' && windowOver(this.startedAt, sentAt, this.windowMs)) {
      this.pause();
      return;
    }
    const id = ++this.seq;
    this.set({ refreshing: true });
    let p: Presentation;
    try {
      p = await this.deps.fetch();
    } catch (err) {
      if (id !== this.seq) return;
      this.failed(err);
      return;
    }
    if (id !== this.seq) return;
    this.failures = 0;
    const expiresAt = localExpiry(p, sentAt);
    this.set({ status: 'live', presentation: p, expiresAt, refreshing: false, error: undefined });
    this.schedule(nextRefreshDelay(this.now(), expiresAt, sentAt));
  }

  private failed(err: unknown): void {
    this.failures++;
    const now = this.now();
    const stillValid = this.state.status === 'live' && !!this.state.presentation && now < this.state.expiresAt;
    if (isRetryable(err) && this.failures <= this.maxRetries && (stillValid || this.state.status === 'loading')) {
      this.set({ refreshing: false, error: err });
      this.schedule(retryDelay(this.failures));
      return;
    }
    this.set({ status: 'failed', refreshing: false, error: err });
  }

  private schedule(ms: number): void {
    this.cancelTimer();
    if (!this.visible) return;
    this.timer = this.setTimer(() => {
      this.timer = undefined;
      void this.refresh();
    }, ms);
  }

  private cancelTimer(): void {
    if (this.timer === undefined) return;
    this.clearTimer(this.timer);
    this.timer = undefined;
  }

  private set(patch: Partial<LoopState>): void {
    this.state = { ...this.state, ...patch };
    this.deps.onChange(this.state);
  }
}
