using AuthzWebhook.DecisionStore;
using Npgsql;

namespace AuthzWebhook.Tests.DecisionStore;

/// <summary>Only what Postgres would refuse again is refused for good; whatever may pass is retried.</summary>
public sealed class PostgresRefusalTests
{
    [Theory]
    [InlineData("22021")] // invalid byte sequence
    [InlineData("22001")] // string too long
    [InlineData("23514")] // check violation
    [InlineData("23502")] // not null violation
    [InlineData("54000")] // index row too large
    public void Data_errors_constraint_violations_and_limits_are_for_good(string sqlState)
    {
        Assert.True(PostgresRefusal.IsForGood(new PostgresException("refused", "ERROR", "ERROR", sqlState)));
    }

    [Theory]
    [InlineData("57P01")] // administrator shutdown
    [InlineData("08006")] // connection failure
    [InlineData("40001")] // serialization failure
    [InlineData("40P01")] // deadlock
    [InlineData("53100")] // disk full
    [InlineData("53300")] // too many connections
    [InlineData("42P01")] // undefined table: a schema not yet migrated
    public void Failures_that_may_pass_are_not(string sqlState)
    {
        Assert.False(PostgresRefusal.IsForGood(new PostgresException("failed", "ERROR", "ERROR", sqlState)));
    }

    [Fact]
    public void A_failure_without_a_sqlstate_is_not()
    {
        Assert.False(PostgresRefusal.IsForGood(new NpgsqlException("connection refused")));
        Assert.False(PostgresRefusal.IsForGood(new TimeoutException()));
    }
}
