namespace AuthzWebhook.Windows;

/// <summary>The stores this replica last failed to reach; none means both answered.</summary>
[Flags]
internal enum UnreachableStores
{
    None = 0,
    Postgres = 1,
    Redis = 2,
}
