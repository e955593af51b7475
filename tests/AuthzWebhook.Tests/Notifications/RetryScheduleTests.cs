using AuthzWebhook.Notifications;

namespace AuthzWebhook.Tests.Notifications;

/// <summary>Backoff doubles from the initial delay up to the maximum, never sooner than half a step.</summary>
public sealed class RetryScheduleTests
{
    private static readonly TimeSpan Initial = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan Max = TimeSpan.FromMinutes(5);

    [Theory]
    [InlineData(1, 2)]
    [InlineData(2, 4)]
    [InlineData(3, 8)]
    [InlineData(8, 256)]
    [InlineData(9, 300)]
    [InlineData(1000, 300)]
    public void Each_failure_doubles_the_step_up_to_the_maximum(int failedAttempts, int stepSeconds)
    {
        var step = TimeSpan.FromSeconds(stepSeconds);

        Assert.Equal(step / 2, RetrySchedule.Delay(failedAttempts, Initial, Max, jitter: 0));
        Assert.InRange(RetrySchedule.Delay(failedAttempts, Initial, Max, jitter: 0.999999), step * 0.999, step);
    }

    [Fact]
    public void A_receiver_asking_for_longer_gets_it_up_to_the_maximum()
    {
        Assert.Equal(TimeSpan.FromSeconds(30), RetrySchedule.Delay(1, Initial, Max, 0, retryAfter: TimeSpan.FromSeconds(30)));
        Assert.Equal(Max, RetrySchedule.Delay(1, Initial, Max, 0, retryAfter: TimeSpan.FromHours(1)));
        Assert.Equal(TimeSpan.FromSeconds(1), RetrySchedule.Delay(1, Initial, Max, 0, retryAfter: TimeSpan.FromMilliseconds(10)));
    }
}
