import { describe, expect, it } from "vitest";
import { latestOnly } from "./latest";

function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

describe("latestOnly", () => {
  it("applies only the latest answer, even when an older one arrives last", async () => {
    const latest = latestOnly();
    const shown: string[] = [];
    const errors: unknown[] = [];
    let settled = 0;
    const first = deferred<string>();
    const second = deferred<string>();
    latest(first.promise, (v) => shown.push(v), (e) => errors.push(e), () => settled++);
    latest(second.promise, (v) => shown.push(v), (e) => errors.push(e), () => settled++);
    second.resolve("new");
    await second.promise;
    first.reject(new Error("old"));
    await first.promise.catch(() => {});
    await new Promise((r) => setTimeout(r, 0));
    expect(shown).toEqual(["new"]);
    expect(errors).toEqual([]);
    expect(settled).toBe(1);
  });
});
