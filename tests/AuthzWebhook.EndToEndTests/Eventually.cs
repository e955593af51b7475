using System.Diagnostics;

namespace AuthzWebhook.EndToEndTests;

internal static class Eventually
{
    /// <summary>Polls <paramref name="condition"/> every <paramref name="interval"/> until it holds; returns how long that took.</summary>
    public static Task<TimeSpan> HoldsAsync(Func<Task<bool>> condition, TimeSpan timeout, string what, TimeSpan? interval = null) =>
        HoldsAsync(condition, timeout, () => what, interval);

    /// <summary>As above, with a failure message made when the time is up (it can say what the last attempt saw).</summary>
    public static async Task<TimeSpan> HoldsAsync(Func<Task<bool>> condition, TimeSpan timeout, Func<string> what, TimeSpan? interval = null)
    {
        var waited = Stopwatch.StartNew();
        while (!await condition())
        {
            if (waited.Elapsed > timeout)
            {
                Assert.Fail($"{what()}: not within {timeout.TotalSeconds:0.#} s");
            }

            await Task.Delay(interval ?? TimeSpan.FromMilliseconds(100));
        }

        return waited.Elapsed;
    }
}
