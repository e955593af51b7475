using System.Net;
using System.Net.Sockets;

namespace AuthzWebhook.IntegrationTests.Infrastructure;

/// <summary>Ports for test servers: asked of the OS, so parallel runs and a developer's `make run` never collide.</summary>
internal static class FreePort
{
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
