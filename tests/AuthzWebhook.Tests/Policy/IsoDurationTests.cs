using AuthzWebhook.Policy;

namespace AuthzWebhook.Tests.Policy;

/// <summary>
/// Durations bound how long an elevation lasts. Years and months are refused because their length varies; "M" after
/// "T" is minutes and must keep working.
/// </summary>
public sealed class IsoDurationTests
{
    [Theory]
    [InlineData("PT30M", 0, 0, 30, 0)]
    [InlineData("PT1H", 0, 1, 0, 0)]
    [InlineData("PT2H", 0, 2, 0, 0)]
    [InlineData("PT1H30M", 0, 1, 30, 0)]
    [InlineData("PT90S", 0, 0, 1, 30)]
    [InlineData("P1D", 1, 0, 0, 0)]
    [InlineData("P1DT2H", 1, 2, 0, 0)]
    [InlineData("P1DT1M", 1, 0, 1, 0)]
    [InlineData("P7D", 7, 0, 0, 0)]
    public void Valid_duration_parses_to_its_length(string text, int days, int hours, int minutes, int seconds)
    {
        Assert.True(IsoDuration.TryParse(text, out var duration));

        Assert.Equal(new TimeSpan(days, hours, minutes, seconds), duration);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("1h")]
    [InlineData("30m")]
    [InlineData("P1M")]
    [InlineData("P1Y")]
    [InlineData("P1MT1H")]
    [InlineData("-PT1H")]
    [InlineData("PT-1H")]
    [InlineData("pt1h")]
    [InlineData("P")]
    [InlineData("PT")]
    [InlineData("01:00:00")]
    public void Invalid_or_variable_length_duration_is_refused(string? text)
    {
        Assert.False(IsoDuration.TryParse(text, out _));
    }

    [Theory]
    [InlineData("PT30M")]
    [InlineData("PT1H")]
    [InlineData("P7D")]
    public void Format_round_trips(string text)
    {
        Assert.True(IsoDuration.TryParse(text, out var duration));

        Assert.True(IsoDuration.TryParse(IsoDuration.Format(duration), out var again));
        Assert.Equal(duration, again);
    }
}
