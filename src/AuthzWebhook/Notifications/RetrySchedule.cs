namespace AuthzWebhook.Notifications;

/// <summary>When to try again after a failed delivery: doubling from the initial backoff up to the maximum, with jitter.</summary>
internal static class RetrySchedule
{
    /// <param name="failedAttempts">Failed attempts so far, at least 1.</param>
    /// <param name="initial">The delay after the first failure, before jitter.</param>
    /// <param name="max">The longest delay, before jitter.</param>
    /// <param name="jitter">A sample in [0, 1).</param>
    /// <param name="retryAfter">What the receiver asked for (429, 503), honoured up to <paramref name="max"/>.</param>
    public static TimeSpan Delay(int failedAttempts, TimeSpan initial, TimeSpan max, double jitter, TimeSpan? retryAfter = null)
    {
        var step = initial.Ticks * Math.Pow(2, Math.Clamp(failedAttempts - 1, 0, 40));
        var full = TimeSpan.FromTicks((long)Math.Min(step, max.Ticks));

        // Half fixed, half random: retries from many rows and replicas spread out, yet never come sooner than half a step.
        var delay = (full / 2) + (full / 2 * jitter);
        if (retryAfter is { } asked && asked > delay)
        {
            delay = asked < max ? asked : max;
        }

        return delay;
    }
}
