/**
 * The controls of replays running in market sessions: pause and resume, speed, and jumps in time.
 * A replay session is keyed by its file's path; its feed is made here with the speed, pause and
 * start time the session's next feed must have (a jump back replaces the feed: see `seek`).
 * Knows nothing of VS Code, so tests drive it with real sessions.
 */
import type { MarketFacts } from '../../engine/protocol';
import type { FeedTarget } from '../feed';
import type { MarketSession } from '../marketSession';
import { ReplayFeed, type ReplayOptions } from './replayFeed';

/** How a session's next replay feed starts. */
interface ReplayStart {
  speed: number;
  paused: boolean;
  /** Exchange time to play fast to first (NaN: none). */
  startAt: number;
  /** The recording's last time, once a feed played it to the end (NaN: not known). */
  end: number;
}

/**
 * A replay session opens its feed with the path as the symbol; the recording's own market (its
 * first) is the one to play.
 */
class RecordingReplayFeed extends ReplayFeed {
  override open(target: FeedTarget): Promise<MarketFacts> {
    return super.open({ ...target, symbol: '' });
  }
}

/** What a jump did: played forward in the running feed, restarted the session's market to go back, or nothing. */
export type SeekOutcome = 'forward' | 'back' | 'refused';

export class ReplayPlayback {
  private readonly starts = new Map<string, ReplayStart>();

  /** `options`: what every replay feed gets besides speed, pause and start (problem reporting). */
  constructor(private readonly options: (path: string) => Partial<ReplayOptions>) {}

  /** The feed for the session of `path` (the feed router's factory for `replay` sessions). */
  readonly createFeed = (path: string): ReplayFeed => {
    const start = this.starts.get(path);
    // A jump back is made once: a later feed of this session (a reader coming back) starts at the start.
    if (start !== undefined) this.starts.set(path, { ...start, startAt: NaN });
    return new RecordingReplayFeed(path, { ...this.options(path), speed: start?.speed ?? 1, paused: start?.paused ?? false, startAt: start?.startAt ?? NaN, knownEnd: start?.end ?? NaN });
  };

  /** The speed the replay of `path` starts at (chosen before its session opens). */
  setStartSpeed(path: string, speed: number): void {
    this.starts.set(path, { speed, paused: false, startAt: NaN, end: NaN });
  }

  /** The session's replay feed, if it runs one. */
  feedOf(session: MarketSession): ReplayFeed | undefined {
    const feed = session.currentFeed;
    return feed instanceof ReplayFeed ? feed : undefined;
  }

  /** Pauses a playing replay, resumes a paused one; returns whether it is paused now (undefined: no replay). */
  togglePause(session: MarketSession): boolean | undefined {
    const feed = this.feedOf(session);
    if (feed === undefined) return undefined;
    if (feed.paused) feed.resume();
    else feed.pause();
    this.remember(session.key.symbol, feed);
    return feed.paused;
  }

  setPaused(session: MarketSession, paused: boolean): void {
    const feed = this.feedOf(session);
    if (feed === undefined || feed.paused === paused) return;
    this.togglePause(session);
  }

  /** Market ms per wall ms (Infinity: as fast as possible); false when refused. */
  setSpeed(session: MarketSession, speed: number): boolean {
    const feed = this.feedOf(session);
    if (feed === undefined || !feed.setSpeed(speed)) return false;
    this.remember(session.key.symbol, feed);
    return true;
  }

  /**
   * Jumps the session's replay to exchange time `time` (ms). Forward, the running feed plays every
   * item before it at once. Back, the engine cannot unplay events: the session starts over with a
   * fresh engine and a feed that plays the file from its start to `time` at full speed (costs the
   * whole prefix again: about 1 s per 100k events), keeping the speed and the pause. Either way the
   * book and candles are those of a straight replay to `time`.
   */
  seek(session: MarketSession, time: number): SeekOutcome {
    const feed = this.feedOf(session);
    if (feed === undefined) return 'refused';
    const outcome = feed.seek(time);
    if (outcome !== 'back') return outcome;
    this.starts.set(session.key.symbol, { speed: feed.speed, paused: feed.paused, startAt: time, end: knownEnd(feed) });
    session.restart();
    return 'back';
  }

  /** A replaced feed (a jump back, a reader coming back) keeps the speed and pause chosen. */
  private remember(path: string, feed: ReplayFeed): void {
    this.starts.set(path, { speed: feed.speed, paused: feed.paused, startAt: NaN, end: knownEnd(feed) });
  }
}

function knownEnd(feed: ReplayFeed): number {
  const p = feed.progress();
  return p.endKnown ? p.endTime : NaN;
}
