namespace AuthzWebhook.IntegrationTests.Infrastructure;

/// <summary>The three listeners of one service process; chosen before start when something else must know them first.</summary>
public sealed record ServicePorts(int Webhook, int Api, int Management)
{
    public static ServicePorts Fresh() => new(FreePort.Next(), FreePort.Next(), FreePort.Next());
}
