using Microsoft.Extensions.Options;
using Npgsql;

namespace AuthzWebhook.Storage.Postgres;

internal sealed class PostgresOptionsValidator : IValidateOptions<PostgresOptions>
{
    public ValidateOptionsResult Validate(string? name, PostgresOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            return ValidateOptionsResult.Fail("AuthzWebhook:Postgres:ConnectionString is required, e.g. 'Host=db;Database=authz;Username=authz' (env AuthzWebhook__Postgres__ConnectionString).");
        }

        try
        {
            _ = new NpgsqlConnectionStringBuilder(options.ConnectionString);
        }
        catch (ArgumentException ex)
        {
            // The message names the bad keyword; the connection string itself may hold a password, so it is not echoed.
            return ValidateOptionsResult.Fail($"AuthzWebhook:Postgres:ConnectionString is not a valid Npgsql connection string: {ex.Message}");
        }

        return ValidateOptionsResult.Success;
    }
}
