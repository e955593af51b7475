using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace AuthzWebhook.IntegrationTests.Notifications;

/// <summary>Measurements of one counter from one host's meter factory, with their receiver and event tags.</summary>
internal sealed class CounterRecorder : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentQueue<(string? Receiver, string? Event)> _measurements = new();

    public CounterRecorder(IMeterFactory factory, string name)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Scope == factory && instrument.Name == name)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            string? receiver = null, @event = null;
            foreach (var tag in tags)
            {
                receiver = tag.Key == "receiver" ? tag.Value as string : receiver;
                @event = tag.Key == "event" ? tag.Value as string : @event;
            }

            for (var i = 0; i < value; i++)
            {
                _measurements.Enqueue((receiver, @event));
            }
        });
        _listener.Start();
    }

    public IReadOnlyList<(string? Receiver, string? Event)> Measurements => [.. _measurements];

    public void Dispose() => _listener.Dispose();
}
