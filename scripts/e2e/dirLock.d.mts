/** Runs `work` while holding a cross-process lock made of the directory `lockDir`. */
export function withDirLock<T>(
  lockDir: string,
  work: () => Promise<T>,
  options?: { timeoutMs?: number; onWait?: (ownerPid: number) => void },
): Promise<T>;
