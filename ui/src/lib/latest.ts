// Views that reload on every change of their controls send overlapping requests; only the
// answer to the latest may be shown, never an older one that happens to arrive last.

/** A gate for one view's requests: each call supersedes the ones before it. */
export function latestOnly() {
  let seq = 0;
  return <T>(request: Promise<T>, apply: (value: T) => void, fail: (e: unknown) => void, settled?: () => void): void => {
    const mine = ++seq;
    request
      .then(
        (value) => {
          if (mine === seq) apply(value);
        },
        (e) => {
          if (mine === seq) fail(e);
        },
      )
      .finally(() => {
        if (mine === seq) settled?.();
      });
  };
}
