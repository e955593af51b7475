using AuthzWebhook.DecisionStore;

namespace AuthzWebhook.Tests.DecisionStore;

/// <summary>A spool line gives back the record and run it was written with, and nothing else passes for one.</summary>
public sealed class SpoolLineTests
{
    [Fact]
    public void A_line_as_written_parses_back_to_its_run_and_record_byte_for_byte()
    {
        var record = SpoolRecords.Make(1)[0];
        byte[] line = [.. SpoolLine.Prefix(record.Run), .. record.Line];

        var parsed = SpoolLine.Parse(line);

        Assert.NotNull(parsed);
        Assert.Equal(record.Run, parsed.Run);
        Assert.Equal(record.Record.DecisionId, parsed.Record.DecisionId);
        Assert.Equal(record.Line, parsed.Line);
        Assert.Equal(line.Length + 1, record.Line.Length + SpoolLine.Overhead);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not a spool line")]
    [InlineData("0123456789abcdef0123456789abcdef")]
    [InlineData("0123456789abcdef0123456789abcdef {\"schema\":\"authzwebhook.decision/v1\"}")]
    [InlineData("0123456789abcdef0123456789abcdeX\t{}")]
    [InlineData("0123456789abcdef0123456789abcdef\t{\"schema\":\"authzwebhook.decis")]
    [InlineData("0123456789abcdef0123456789abcdef\tnull")]
    public void A_torn_or_damaged_line_is_not_a_record(string line)
    {
        Assert.Null(SpoolLine.Parse(System.Text.Encoding.UTF8.GetBytes(line)));
    }
}
