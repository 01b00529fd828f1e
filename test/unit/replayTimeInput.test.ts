/**
 * What Jump to Time accepts: a UTC time of day (the day that puts it inside the recording, which
 * may cross midnight), a UTC date and time, or an offset from where the replay stands; refused
 * with a message outside the recording's span or when unreadable.
 */
import { describe, expect, it } from 'vitest';
import { parseReplayTime } from '../../src/extension/recording/replayTimeInput';

// The spot capture: 2024-08-08 23:54:15 to 2024-08-09 00:05:02 UTC, standing at 23:57:30.
const start = Date.UTC(2024, 7, 8, 23, 54, 15);
const now = Date.UTC(2024, 7, 8, 23, 57, 30);
const end = Date.UTC(2024, 7, 9, 0, 5, 2);
const playing = { now, start, end: NaN };
const finished = { now, start, end };

describe('Jump to Time input', () => {
  it('reads offsets from where the replay stands', () => {
    expect(parseReplayTime('+10m', playing)).toBe(now + 600_000);
    expect(parseReplayTime('-30s', playing)).toBe(now - 30_000);
    expect(parseReplayTime(' +1h30m ', playing)).toBe(now + 5_400_000);
    expect(parseReplayTime('+1.5m', playing)).toBe(now + 90_000);
  });

  it('reads a time of day on the day that puts it in the recording, across midnight too', () => {
    expect(parseReplayTime('23:58', playing)).toBe(Date.UTC(2024, 7, 8, 23, 58));
    expect(parseReplayTime('00:01:30', playing)).toBe(Date.UTC(2024, 7, 9, 0, 1, 30));
    expect(parseReplayTime('23:55:00.5', finished)).toBe(Date.UTC(2024, 7, 8, 23, 55, 0, 500));
  });

  it('reads a UTC date and time', () => {
    expect(parseReplayTime('2024-08-09 00:02:00', playing)).toBe(Date.UTC(2024, 7, 9, 0, 2));
    expect(parseReplayTime('2024-08-08T23:56', playing)).toBe(Date.UTC(2024, 7, 8, 23, 56));
  });

  it("refuses times outside the recording's span, saying where it starts or ends", () => {
    expect(parseReplayTime('-10m', playing)).toBe('The recording starts at 2024-08-08 23:54:15 UTC');
    expect(parseReplayTime('2024-08-08 12:00:00', playing)).toBe('The recording starts at 2024-08-08 23:54:15 UTC');
    expect(parseReplayTime('+1h', finished)).toBe('The recording ends at 2024-08-09 00:05:02 UTC');
    // The end is only known once the replay read it all: until then a later time plays to it.
    expect(parseReplayTime('+1h', playing)).toBe(now + 3_600_000);
  });

  it('refuses what it cannot read, saying what it takes', () => {
    for (const text of ['', 'soon', '25:00', '12:60', '+10', '10m', '2024-13-45 00:00']) {
      expect(parseReplayTime(text, playing), text).toMatch(/Type a UTC time|not a time of day/);
    }
  });
});
