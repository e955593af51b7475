using System.Buffers.Text;
using System.Text.Json;
using AuthzWebhook.Hosting;

namespace AuthzWebhook.DecisionStore;

/// <summary>A spool line: <c>run TAB record-json LF</c>, the run in 32 hex digits and the record as written to stdout.</summary>
internal static class SpoolLine
{
    /// <summary>Bytes a line takes beside the record's own: the run, a tab and the line end.</summary>
    public const int Overhead = RunLength + 2;

    private const int RunLength = 32;

    /// <summary>What goes before the record on every line of the run.</summary>
    public static byte[] Prefix(Guid run) => System.Text.Encoding.ASCII.GetBytes(run.ToString("N") + "\t");

    /// <summary>The record on a line (without its line end); null when the line is not one (torn or damaged).</summary>
    public static PendingDecision? Parse(ReadOnlySpan<byte> line)
    {
        if (line.Length <= RunLength || line[RunLength] != (byte)'\t'
            || !Utf8Parser.TryParse(line[..RunLength], out Guid run, out var consumed, 'N') || consumed != RunLength)
        {
            return null;
        }

        var json = line[(RunLength + 1)..].ToArray();
        try
        {
            var record = JsonSerializer.Deserialize(json, AuthzJsonContext.Default.DecisionRecord);

            // JSON null passes for a required member; a record without these was never written by this service.
            return record is { Chain: { Prev: not null, Hash: not null }, User.Name: not null, Instance: not null, Decision: not null, Time: not null }
                ? new PendingDecision(run, record, json)
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
