namespace AuthzWebhook.IntegrationTests.Infrastructure;

/// <summary>All integration tests share one Postgres and one Redis, started once per run.</summary>
[CollectionDefinition(Name)]
public sealed class SharedServersDefinition : ICollectionFixture<TestServers>
{
    public const string Name = "integration";
}
