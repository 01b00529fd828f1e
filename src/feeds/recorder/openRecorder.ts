/**
 * Opens the recorder for a file name: `*.gz` the raw capture format, `*.db` / `*.sqlite` /
 * `*.sqlite3` the order-flow SQLite database.
 */
import { CaptureRecorder } from './captureRecorder';
import { OrderFlowDbRecorder } from './orderFlowDbRecorder';
import { RecorderError, type Recorder, type RecorderOptions } from './recorder';

/**
 * Starts recording into `path`. Rejects with {@link RecorderError} naming the file when the
 * extension is not one of the formats, the options are bad, or the file cannot be written.
 */
export async function openRecorder(path: string, options: Partial<RecorderOptions> = {}): Promise<Recorder> {
  const lower = path.toLowerCase();
  if (lower.endsWith('.gz')) return CaptureRecorder.open(path, options);
  if (lower.endsWith('.db') || lower.endsWith('.sqlite') || lower.endsWith('.sqlite3')) return OrderFlowDbRecorder.open(path, options);
  throw new RecorderError(path, 'unknown recording format: name the file *.gz (raw capture) or *.db / *.sqlite (order-flow database)');
}
