using System.Globalization;
using Dapper;
using Microsoft.Extensions.Options;
using Npgsql;

namespace AuthzWebhook.DecisionStore;

/// <summary>
/// Keeps one partition of <c>decisions</c> per day: from yesterday to three days ahead exist at all times, and days
/// older than the retention are dropped whole. Every replica runs it; an advisory lock lets one at a time work. A
/// day whose records already landed in the default partition (Postgres was away at the turn of the day) gets its
/// partition built from them and attached.
/// </summary>
internal sealed class DecisionPartitions(
    NpgsqlDataSource dataSource,
    IOptions<DecisionStoreOptions> options,
    TimeProvider timeProvider,
    ILogger<DecisionPartitions> logger) : BackgroundService
{
    private const long LockKey = 0x6175_6469_745f_7031; // "audit_p1"
    private const string Prefix = "decisions_";

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.Enabled)
        {
            return;
        }

        await MaintainAsync(cancellationToken).ConfigureAwait(false);
        await base.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.MaintenanceInterval, timeProvider);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            await MaintainAsync(stoppingToken).ConfigureAwait(false);
        }
    }

    /// <summary>Creates the partitions due and drops the expired ones; failures are logged, never thrown.</summary>
    public async Task MaintainAsync(CancellationToken cancellationToken)
    {
        try
        {
            var today = DateOnly.FromDateTime(timeProvider.GetUtcNow().UtcDateTime);
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await connection.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_xact_lock(@LockKey)", new { LockKey }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
            var existing = (await connection.QueryAsync<string>(new CommandDefinition(
                "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = 'decisions'",
                transaction: transaction,
                cancellationToken: cancellationToken)).ConfigureAwait(false)).ToHashSet(StringComparer.Ordinal);

            for (var day = today.AddDays(-1); day <= today.AddDays(3); day = day.AddDays(1))
            {
                if (!existing.Contains(Name(day)))
                {
                    await CreateAsync(connection, transaction, day, cancellationToken).ConfigureAwait(false);
                }
            }

            var cutoff = today.AddDays(-options.Value.RetentionDays);
            foreach (var name in existing)
            {
                if (TryParseDay(name, out var day) && day < cutoff)
                {
                    // The name is one of ours, made from a date: never input.
                    await connection.ExecuteAsync(new CommandDefinition($"DROP TABLE {name}", transaction: transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
                    Log.PartitionDropped(logger, name, options.Value.RetentionDays);
                }
            }

            // What was set aside (records and audit events Postgres refused for good) is kept as long as the records.
            await connection.ExecuteAsync(new CommandDefinition(
                """
                DELETE FROM decisions_default WHERE time < @cutoff;
                DELETE FROM decisions_rejected WHERE rejected_at < @cutoff;
                DELETE FROM audit_events_rejected WHERE received_at < @cutoff;
                """,
                new { cutoff = cutoff.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc) },
                transaction,
                cancellationToken: cancellationToken)).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
#pragma warning disable CA1031 // Records never depend on this: without their day's partition they land in the default one.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Log.PartitionMaintenanceFailed(logger, ex);
        }
    }

    /// <summary>Builds the day's table, moves any of its records out of the default partition into it, and attaches it.</summary>
    private static async Task CreateAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, DateOnly day, CancellationToken cancellationToken)
    {
        var name = Name(day);
        var from = day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var to = day.AddDays(1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        await connection.ExecuteAsync(new CommandDefinition(
            $"""
            CREATE TABLE {name} (LIKE decisions INCLUDING DEFAULTS INCLUDING CONSTRAINTS);
            WITH moved AS (DELETE FROM decisions_default WHERE time >= '{from}' AND time < '{to}' RETURNING *)
            INSERT INTO {name} SELECT * FROM moved;
            ALTER TABLE decisions ATTACH PARTITION {name} FOR VALUES FROM ('{from}') TO ('{to}');
            """,
            transaction: transaction,
            cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    private static string Name(DateOnly day) => Prefix + day.ToString("yyyyMMdd", CultureInfo.InvariantCulture);

    private static bool TryParseDay(string name, out DateOnly day)
    {
        day = default;
        return name.Length == Prefix.Length + 8
            && name.StartsWith(Prefix, StringComparison.Ordinal)
            && DateOnly.TryParseExact(name.AsSpan(Prefix.Length), "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out day);
    }
}
