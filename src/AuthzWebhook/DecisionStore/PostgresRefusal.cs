using Npgsql;

namespace AuthzWebhook.DecisionStore;

/// <summary>
/// Whether Postgres refused a write for good: the same rows would be refused again however often they were sent. Data
/// errors (SQLSTATE class 22), violated constraints (23) and limits exceeded (54, such as an index row too large) are;
/// everything else (a lost connection, an administrator shutdown 57P01, a serialization failure 40001, no resources
/// 53xxx, a timeout) may pass, and is retried.
/// </summary>
internal static class PostgresRefusal
{
    public static bool IsForGood(Exception exception) =>
        exception is PostgresException { SqlState: ['2', '2' or '3', ..] or ['5', '4', ..] };
}
