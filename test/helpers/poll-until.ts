/**
 * Polls until `check` returns something truthy, and returns it: for effects the hub carries out
 * after it has answered (a queued send, a recorded event id). The test's own timeout bounds it.
 */
export async function pollUntil<T>(check: () => Promise<T | null | undefined | false>): Promise<T> {
  for (;;) {
    const value = await check();
    if (value) return value;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
