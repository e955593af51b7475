using Microsoft.Extensions.DependencyInjection.Extensions;

namespace AuthzWebhook.AuditEvents;

internal static class AuditEventsExtensions
{
    /// <summary>The sink for the API server's audit events (<c>POST /audit</c>, mapped by <c>MapAuditSink</c>) and their table.</summary>
    public static IServiceCollection AddAuditEvents(this IServiceCollection services)
    {
        services.AddOptions<AuditEventOptions>().BindConfiguration(AuditEventOptions.Section)
            .Validate(o => o.MaxBodyBytes is >= 65536 and <= 256 * 1024 * 1024, $"{AuditEventOptions.Section}:MaxBodyBytes must be between 65536 and 268435456.")
            .Validate(o => o.MaxEvents is >= 1 and <= 100_000, $"{AuditEventOptions.Section}:MaxEvents must be 1-100000.")
            .Validate(o => o.MaxJsonDepth is >= 16 and <= 256, $"{AuditEventOptions.Section}:MaxJsonDepth must be 16-256 (default 64).")
            .Validate(o => o.MaxStringLength is >= 1024 and <= 1024 * 1024, $"{AuditEventOptions.Section}:MaxStringLength must be 1024-1048576 (default 16384).")
            .Validate(o => o.MaxGroups is >= 1 and <= 65536, $"{AuditEventOptions.Section}:MaxGroups must be 1-65536 (default 1024).")
            .ValidateOnStart();
        services.TryAddSingleton<AuditEventStore>();
        return services;
    }
}
