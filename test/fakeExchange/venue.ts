/**
 * What the Binance and OKX halves of the fake exchange share: a tape player, the set of open
 * websockets, and the fault switches a test flips (drop, withhold sequence, mute pongs, garbage
 * frame, failing snapshots).
 */
import type { WebSocket } from 'ws';
import { TapePlayer, type PlaySpeed } from './tapePlayer';

export type VenueName = 'binance' | 'okx';

/** An HTTP answer: status and a JSON body, or `text` sent as-is; extra headers. */
export interface RestReply {
  status: number;
  body: unknown;
  /** Sent instead of `JSON.stringify(body)` (garbage replies, pre-encoded large ones). */
  text?: string | Buffer;
  headers?: Record<string, string>;
}

/** A book copy as the fake exchange holds it, best level first, strings as the exchange wrote them. */
export interface BookSnapshot {
  venue: VenueName;
  /** Exchange id: `BTCUSDT` (Binance) or `BTC-USDT` (OKX). */
  symbol: string;
  /** Binance `lastUpdateId` / OKX `seqId` after the last applied update. */
  updateId: number;
  /** Exchange time (ms) of the last applied update. */
  timestamp: number;
  bids: [price: string, size: string][];
  asks: [price: string, size: string][];
}

/** Counters a test can assert on. */
export interface VenueStats {
  connectionsOpened: number;
  openConnections: number;
  messagesSent: number;
  /** Client frames or requests refused as malformed or unknown. */
  rejected: number;
  restRequests: number;
  /** Snapshot requests answered with the injected failure status. */
  failedSnapshots: number;
  /** Depth messages withheld by `skipSequence`. */
  withheldDepth: number;
  /** Pings left unanswered while pongs are muted. */
  ignoredPings: number;
  /** REST requests answered "too many requests" by `throttle`. */
  throttledRequests: number;
}

/** Hooks the server passes to its venues. */
export interface VenueHooks {
  /** `event` is the tape entry just played (BinanceTapeEvent or OkxTapeEvent). */
  onPlayed(venue: VenueName, kind: string, event: { t: number }): void;
  onEnd(venue: VenueName): void;
  onClientMessage(venue: VenueName, text: string): void;
}

export interface VenueTiming {
  speed: PlaySpeed;
  batchSize: number;
}

/** Base of one exchange's protocol: owns connections, playback and the fault switches. */
export abstract class Venue<E extends { t: number }, C extends { socket: WebSocket }> {
  abstract readonly name: VenueName;
  protected readonly connections = new Set<C>();
  protected player!: TapePlayer<E>;
  /** False while `stopAnsweringPings` is in force. */
  protected answerPings = true;
  /** Depth messages still to withhold (`skipSequence`). */
  protected withhold = 0;
  /** Snapshot requests still to fail, and with which status. */
  protected failSnapshotsLeft = 0;
  protected failSnapshotStatus = 500;
  /** REST requests still to answer "too many requests", with which status and Retry-After. */
  private throttleLeft = 0;
  private throttleStatus = 429;
  private throttleRetryAfterS: number | undefined;
  protected readonly counters: VenueStats = {
    connectionsOpened: 0,
    openConnections: 0,
    messagesSent: 0,
    rejected: 0,
    restRequests: 0,
    failedSnapshots: 0,
    withheldDepth: 0,
    ignoredPings: 0,
    throttledRequests: 0,
  };

  constructor(protected readonly hooks: VenueHooks) {}

  /** Creates the player over `events`, silently playing everything before `start`. */
  protected startTape(events: readonly E[], start: number, timing: VenueTiming): void {
    for (let i = 0; i < start; i++) this.apply(events[i], true);
    this.player = new TapePlayer<E>(
      events,
      start,
      (event) => {
        this.apply(event, false);
        this.hooks.onPlayed(this.name, this.kindOf(event), event);
      },
      () => this.hooks.onEnd(this.name),
      timing,
    );
  }

  /** Applies one event to the venue's state; broadcasts it unless `silent`. */
  protected abstract apply(event: E, silent: boolean): void;
  protected abstract kindOf(event: E): string;
  /** Answers one REST request (`path` after the API prefix). */
  abstract handleRest(path: string, query: URLSearchParams): RestReply;
  /** Takes over an upgraded websocket for `url` (path and query of the upgrade request). */
  abstract attach(socket: WebSocket, url: URL): void;
  /**
   * Authoritative book of one symbol (best `depth` levels a side, all by default), or undefined
   * when the venue does not list it. O(depth), allocates the copy.
   */
  abstract bookSnapshot(symbol: string, depth?: number): BookSnapshot | undefined;
  /** Update id (Binance `u`, OKX `seqId`) of one symbol's book, or undefined if not listed. O(1). */
  abstract updateIdOf(symbol: string): number | undefined;

  get tapePosition(): number {
    return this.player.position;
  }

  get tapeLength(): number {
    return this.player.length;
  }

  get ended(): boolean {
    return this.player.ended;
  }

  get playing(): boolean {
    return this.player.playing;
  }

  pause(): void {
    this.player.pause();
  }

  resume(): void {
    this.player.resume();
  }

  setSpeed(speed: PlaySpeed): void {
    this.player.setSpeed(speed);
  }

  /** Plays the next `count` events now. Returns how many were played. */
  step(count: number): number {
    return this.player.step(count);
  }

  /** Plays events now until one of `kind` has been played. Returns how many were played. */
  stepUntilKind(kind: string): number {
    return this.player.stepUntil((event) => this.kindOf(event) === kind);
  }

  stats(): VenueStats {
    return { ...this.counters, openConnections: this.connections.size };
  }

  /** Closes every websocket abruptly (TCP reset, no close frame), like a network drop. */
  dropConnections(): number {
    const count = this.connections.size;
    for (const connection of this.connections) connection.socket.terminate();
    this.connections.clear();
    return count;
  }

  /** Withholds the next `count` depth messages from every client: a sequence gap. */
  skipSequence(count: number): void {
    this.withhold += count;
  }

  /** Mutes (false) or restores (true) answers to client pings. */
  setAnswerPings(answer: boolean): void {
    this.answerPings = answer;
  }

  /** Fails the next `count` snapshot requests with `status`. */
  failSnapshots(count: number, status: number): void {
    this.failSnapshotsLeft = count;
    this.failSnapshotStatus = status;
  }

  /**
   * Answers the next `count` REST requests with `status` (429 rate limit, 418 ban) and a
   * `Retry-After: retryAfterS` header (none when undefined).
   */
  throttle(count: number, status: number, retryAfterS: number | undefined): void {
    this.throttleLeft = count;
    this.throttleStatus = status;
    this.throttleRetryAfterS = retryAfterS;
  }

  /** The "too many requests" reply when one is due (counted), else undefined. */
  takeThrottle(): RestReply | undefined {
    if (this.throttleLeft <= 0) return undefined;
    this.throttleLeft--;
    this.counters.throttledRequests++;
    const retryAfter = this.throttleRetryAfterS;
    return {
      status: this.throttleStatus,
      body: { code: -1003, msg: `Too many requests; current limit is 6000 request weight per 1 MINUTE.` },
      headers: retryAfter === undefined ? {} : { 'retry-after': String(retryAfter) },
    };
  }

  /** Sends `text` as-is (a malformed frame) to every open websocket. Returns the count. */
  sendRaw(text: string): number {
    for (const connection of this.connections) this.send(connection, text);
    return this.connections.size;
  }

  /** Stops playback and closes every websocket (server shutdown). */
  dispose(): void {
    this.player.dispose();
    this.dropConnections();
  }

  protected register(connection: C): void {
    this.connections.add(connection);
    this.counters.connectionsOpened++;
    connection.socket.on('close', () => this.connections.delete(connection));
    connection.socket.on('error', () => this.connections.delete(connection));
    // The server is built with autoPong off so that protocol-level pings can be muted too.
    connection.socket.on('ping', (data: Buffer) => {
      if (this.answerPings) connection.socket.pong(data);
      else this.counters.ignoredPings++;
    });
  }

  protected send(connection: C, text: string): void {
    if (connection.socket.readyState !== connection.socket.OPEN) return;
    connection.socket.send(text);
    this.counters.messagesSent++;
  }

  /** True (and counted) when a snapshot request must fail now. */
  protected takeSnapshotFailure(): boolean {
    if (this.failSnapshotsLeft <= 0) return false;
    this.failSnapshotsLeft--;
    this.counters.failedSnapshots++;
    return true;
  }

  /** True (and counted) when the next depth message must be withheld. */
  protected takeWithheld(): boolean {
    if (this.withhold <= 0) return false;
    this.withhold--;
    this.counters.withheldDepth++;
    return true;
  }
}
