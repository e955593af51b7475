using AuthzWebhook.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AuthzWebhook.Tests.Hosting;

/// <summary>The framework's request lines (URLs with query strings) stay off even when a provider's own level says Trace.</summary>
public sealed class RequestLineLogFilterTests
{
    [Fact]
    public void A_provider_set_to_trace_still_does_not_get_the_request_lines()
    {
        using var factory = LoggerFactory.Create(logging =>
        {
            logging.AddProvider(new SilentProvider());
            // As Logging:<Provider>:LogLevel:Default=Trace in configuration would: a rule naming the provider.
            logging.AddFilter<SilentProvider>(null, LogLevel.Trace);
            logging.AddFilter(RequestLineLogFilter.Category, LogLevel.Warning);
            logging.Services.AddSingleton<IPostConfigureOptions<LoggerFilterOptions>, RequestLineLogFilter>();
        });

        Assert.False(factory.CreateLogger(RequestLineLogFilter.Category).IsEnabled(LogLevel.Information));
        Assert.True(factory.CreateLogger(RequestLineLogFilter.Category).IsEnabled(LogLevel.Warning));
        Assert.True(factory.CreateLogger("AuthzWebhook.Anything").IsEnabled(LogLevel.Trace));
    }

    private sealed class SilentProvider : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new SilentLogger();

        public void Dispose()
        {
        }

        private sealed class SilentLogger : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
            }
        }
    }
}
