using Microsoft.Extensions.Options;

namespace AuthzWebhook.Hosting;

/// <summary>
/// Keeps the framework's request lines (which carry the full URL, query string included, where a careless client may
/// put its token) at Warning and above for every logging provider. A rule naming a provider beats one that names
/// none, so configuration such as <c>Logging:Console:LogLevel:Default=Trace</c> would bring them back past a plain
/// filter; this adds the same Warning rule for each provider that configuration names, after configuration is read.
/// </summary>
internal sealed class RequestLineLogFilter : IPostConfigureOptions<LoggerFilterOptions>
{
    public const string Category = "Microsoft.AspNetCore.Hosting.Diagnostics";

    public void PostConfigure(string? name, LoggerFilterOptions options)
    {
        var providers = options.Rules.Select(r => r.ProviderName).Distinct(StringComparer.Ordinal).ToList();
        foreach (var provider in providers)
        {
            options.Rules.Add(new LoggerFilterRule(provider, Category, LogLevel.Warning, filter: null));
        }
    }
}
