using Microsoft.Extensions.DependencyInjection.Extensions;

namespace AuthzWebhook.DecisionStore;

internal static class DecisionStoreExtensions
{
    /// <summary>
    /// Delivery of decision records to Postgres (spool, queue, writer, daily partitions) when <c>DecisionStore:Enabled</c>,
    /// and the readers behind the decisions API, with their bounds.
    /// </summary>
    public static IServiceCollection AddDecisionStore(this IServiceCollection services)
    {
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
        services.TryAddSingleton<DecisionDelivery>();
        services.AddOptions<AuditReadOptions>().BindConfiguration(AuditReadOptions.Section)
            .Validate(o => o.VerifyMaxPageSize is >= 1 and <= 1_000_000, $"{AuditReadOptions.Section}:VerifyMaxPageSize must be 1-1000000 (default 100000).")
            .Validate(o => o.VerifyPageSize >= 1 && o.VerifyPageSize <= o.VerifyMaxPageSize, $"{AuditReadOptions.Section}:VerifyPageSize must be from 1 to VerifyMaxPageSize (default 10000).")
            .Validate(o => o.VerifyMaxBytes is >= 1024 * 1024 and <= 1024L * 1024 * 1024, $"{AuditReadOptions.Section}:VerifyMaxBytes must be 1 MiB-1 GiB in bytes (default 67108864).")
            .Validate(o => o.PageMaxBytes is >= 64 * 1024 and <= 64 * 1024 * 1024, $"{AuditReadOptions.Section}:PageMaxBytes must be 64 KiB-64 MiB in bytes (default 4194304).")
            .ValidateOnStart();
        services.TryAddSingleton<DecisionReader>();
        services.TryAddSingleton<StoredChainVerifier>();
        services.AddHostedService<DecisionPartitions>();
        services.AddHostedService<DecisionStoreWriter>();
        return services;
    }
}
