using AuthzWebhook.AuditEvents;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace AuthzWebhook.DecisionStore;

internal static class DecisionStoreExtensions
{
    /// <summary>Chaining of decision records, and their delivery to Postgres when <c>DecisionStore:Enabled</c>.</summary>
    public static IServiceCollection AddAudit(this IServiceCollection services)
    {
        services.TryAddSingleton<DecisionChainer>();
        services.AddOptions<DecisionStoreOptions>().BindConfiguration(DecisionStoreOptions.Section)
            .Validate(o => o.BatchSize is >= 1 and <= 100_000, $"{DecisionStoreOptions.Section}:BatchSize must be 1-100000.")
            .Validate(o => o.MemoryCapacity is >= 1000 and <= 10_000_000, $"{DecisionStoreOptions.Section}:MemoryCapacity must be 1000-10000000.")
            .Validate(o => !o.Enabled || !string.IsNullOrWhiteSpace(o.SpoolPath), $"{DecisionStoreOptions.Section}:SpoolPath is required: a writable file path on a volume that survives restarts.")
            .Validate(o => o.RetentionDays is >= 1 and <= 3650, $"{DecisionStoreOptions.Section}:RetentionDays must be 1-3650.")
            .Validate(o => o.MaxRetryInterval >= TimeSpan.FromSeconds(1), $"{DecisionStoreOptions.Section}:MaxRetryInterval must be at least one second.")
            .Validate(o => o.MaintenanceInterval >= TimeSpan.FromSeconds(1), $"{DecisionStoreOptions.Section}:MaintenanceInterval must be at least one second.")
            .ValidateOnStart();
        services.TryAddSingleton<DecisionStoreQueue>();
        services.TryAddSingleton<PostgresDecisionStore>();
        services.TryAddSingleton<DecisionReader>();
        services.AddOptions<AuditEventOptions>().BindConfiguration(AuditEventOptions.Section)
            .Validate(o => o.MaxBodyBytes is >= 65536 and <= 256 * 1024 * 1024, $"{AuditEventOptions.Section}:MaxBodyBytes must be between 65536 and 268435456.")
            .Validate(o => o.MaxEvents is >= 1 and <= 100_000, $"{AuditEventOptions.Section}:MaxEvents must be 1-100000.")
            .Validate(o => o.MaxJsonDepth is >= 16 and <= 256, $"{AuditEventOptions.Section}:MaxJsonDepth must be 16-256 (default 64).")
            .Validate(o => o.MaxStringLength is >= 1024 and <= 1024 * 1024, $"{AuditEventOptions.Section}:MaxStringLength must be 1024-1048576 (default 16384).")
            .Validate(o => o.MaxGroups is >= 1 and <= 65536, $"{AuditEventOptions.Section}:MaxGroups must be 1-65536 (default 1024).")
            .ValidateOnStart();
        services.TryAddSingleton<AuditEventStore>();
        services.AddHostedService<DecisionPartitions>();
        services.AddHostedService<DecisionStoreWriter>();
        return services;
    }
}
