namespace AuthzWebhook.Commands;

/// <summary>The lines of a file a command reads, or of standard input for <c>-</c>, read as they are needed.</summary>
internal static class CommandInput
{
    public static IEnumerable<string> Lines(string path) => path == "-" ? ReadLines(Console.In) : File.ReadLines(path);

    private static IEnumerable<string> ReadLines(TextReader reader)
    {
        while (reader.ReadLine() is { } line)
        {
            yield return line;
        }
    }
}
