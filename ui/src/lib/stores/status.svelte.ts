// The status line: the last action's message, or the last error.

import { errorMessage } from "../backend";

export const status = $state({ message: "", error: false, seq: 0 });

export function say(message: string): void {
  status.message = message;
  status.error = false;
  status.seq++;
}

export function fail(e: unknown): void {
  status.message = errorMessage(e);
  status.error = true;
  status.seq++;
}
