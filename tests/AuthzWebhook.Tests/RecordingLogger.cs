using Microsoft.Extensions.Logging;

namespace AuthzWebhook.Tests;

/// <summary>Keeps every line logged, formatted, with its level and event id, for tests that check what an operator is told.</summary>
internal sealed class RecordingLogger<T> : ILogger<T>
{
    public List<string> Messages { get; } = [];

    public List<(LogLevel Level, int EventId, string Text)> Entries { get; } = [];

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        var text = formatter(state, exception);
        Messages.Add(text);
        Entries.Add((logLevel, eventId.Id, text));
    }
}
