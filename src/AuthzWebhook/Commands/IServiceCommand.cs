namespace AuthzWebhook.Commands;

/// <summary>
/// A one-shot command the service's binary runs instead of serving (<c>AuthzWebhook migrate</c>, <c>dev-token</c>, ...):
/// it registers only what it needs, maps no endpoint and ends with its exit code.
/// </summary>
internal interface IServiceCommand
{
    /// <summary>The first argument that selects it.</summary>
    string Name { get; }

    /// <summary>Registers what the command needs, instead of the whole service.</summary>
    void Register(WebApplicationBuilder builder);

    Task<int> RunAsync(IServiceProvider services, string[] args);
}
