using System.Text.Json;
using AuthzWebhook.Elevations;
using AuthzWebhook.Hosting;

namespace AuthzWebhook.Tests.Hosting;

/// <summary>Every timestamp goes out as UTC RFC 3339 with a Z and microseconds; any RFC 3339 offset is read.</summary>
public sealed class UtcTimestampConverterTests
{
    private static readonly JsonSerializerOptions Options = new() { Converters = { new UtcTimestampConverter() } };

    [Theory]
    [InlineData("2026-11-27T14:00:00.1234560+00:00", "\"2026-11-27T14:00:00.123456Z\"")]
    [InlineData("2026-11-27T14:00:00+00:00", "\"2026-11-27T14:00:00.000000Z\"")]
    [InlineData("2026-11-27T16:30:00.5+02:30", "\"2026-11-27T14:00:00.500000Z\"")]
    [InlineData("2026-11-27T09:00:00-05:00", "\"2026-11-27T14:00:00.000000Z\"")]
    [InlineData("2026-11-27T14:00:00.0000009+00:00", "\"2026-11-27T14:00:00.000000Z\"")]
    [InlineData("2026-12-31T23:30:00-01:00", "\"2027-01-01T00:30:00.000000Z\"")]
    public void Writes_utc_with_a_z_and_exactly_six_fractional_digits(string value, string expected)
    {
        var instant = DateTimeOffset.Parse(value, System.Globalization.CultureInfo.InvariantCulture);

        Assert.Equal(expected, JsonSerializer.Serialize(instant, Options));
    }

    [Fact]
    public void Writes_the_extremes_without_overflowing()
    {
        Assert.Equal("\"0001-01-01T00:00:00.000000Z\"", JsonSerializer.Serialize(DateTimeOffset.MinValue, Options));
        Assert.Equal("\"9999-12-31T23:59:59.999999Z\"", JsonSerializer.Serialize(DateTimeOffset.MaxValue, Options));
    }

    [Theory]
    [InlineData("\"2026-11-27T14:00:00Z\"")]
    [InlineData("\"2026-11-27T14:00:00.000000Z\"")]
    [InlineData("\"2026-11-27T16:00:00+02:00\"")]
    [InlineData("\"2026-11-27T09:00:00-05:00\"")]
    public void Reads_any_offset_as_the_same_instant(string json)
    {
        var read = JsonSerializer.Deserialize<DateTimeOffset>(json, Options);

        Assert.Equal(new DateTimeOffset(2026, 11, 27, 14, 0, 0, TimeSpan.Zero), read);
    }

    [Fact]
    public void What_it_writes_it_reads_back_to_the_microsecond()
    {
        var instant = new DateTimeOffset(2026, 11, 27, 14, 0, 0, TimeSpan.Zero).AddTicks(1234567);

        var read = JsonSerializer.Deserialize<DateTimeOffset>(JsonSerializer.Serialize(instant, Options), Options);

        Assert.Equal(instant.AddTicks(-7), read);
    }

    [Theory]
    [InlineData("\"yesterday\"")]
    [InlineData("\"2026-13-01T00:00:00Z\"")]
    [InlineData("1764252000")]
    public void Something_that_is_not_a_timestamp_is_a_json_error(string json)
    {
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<DateTimeOffset>(json, Options));
    }

    [Fact]
    public void The_wire_context_applies_it_to_optional_timestamps_too()
    {
        var at = new DateTimeOffset(2026, 11, 27, 16, 0, 0, TimeSpan.FromHours(2));
        var view = new ElevationView(
            Guid.NewGuid(), "active", "pod-debug", "oidc:alice@example.com", ["payments"], "PT30M", "x", null, 1,
            PendingUntil: null, PendingExtension: null, CreatedAt: at, UpdatedAt: at, ActivatedAt: at, ExpiresAt: at.AddMinutes(30), EndedAt: null,
            Approvals: null, History: null);

        using var json = JsonDocument.Parse(JsonSerializer.Serialize(view, AuthzJsonContext.Default.ElevationView));

        Assert.Equal("2026-11-27T14:00:00.000000Z", json.RootElement.GetProperty("created_at").GetString());
        Assert.Equal("2026-11-27T14:00:00.000000Z", json.RootElement.GetProperty("activated_at").GetString());
        Assert.Equal("2026-11-27T14:30:00.000000Z", json.RootElement.GetProperty("expires_at").GetString());
        Assert.Equal(JsonValueKind.Null, json.RootElement.GetProperty("ended_at").ValueKind);
    }
}
