using System.Collections.Concurrent;

namespace AuthzWebhook.EndToEndTests;

/// <summary>
/// What the scenarios measured (revoke-to-Forbidden delays, answers while the webhook is down), written to
/// TestResults/e2e.md when the run ends; <c>make e2e</c> prints it.
/// </summary>
public static class EndToEndReport
{
    private static readonly ConcurrentQueue<(string Section, string Line)> Lines = new();

    public static void Add(string section, string line) => Lines.Enqueue((section, line));

    internal static void Write(string path)
    {
        using var writer = new StreamWriter(path);
        writer.WriteLine("# End-to-end run against a real kube-apiserver");
        foreach (var section in Lines.GroupBy(l => l.Section, StringComparer.Ordinal))
        {
            writer.WriteLine();
            writer.WriteLine("## " + section.Key);
            writer.WriteLine();
            foreach (var (_, line) in section)
            {
                writer.WriteLine(line);
            }
        }
    }
}
