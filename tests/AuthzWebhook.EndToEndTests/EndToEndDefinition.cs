namespace AuthzWebhook.EndToEndTests;

/// <summary>Every scenario runs against the same processes, one at a time (some stop the service).</summary>
[CollectionDefinition(Name)]
public sealed class EndToEndDefinition : ICollectionFixture<EndToEndEnvironment>
{
    public const string Name = "end-to-end";
}
