using System.Net;
using System.Net.Sockets;

namespace AuthzWebhook.IntegrationTests.Infrastructure;

/// <summary>Ports for test servers: asked of the OS, so parallel runs and a developer's `make run` never collide.</summary>
internal static class FreePort
{
    private static readonly HashSet<int> HandedOut = [];

    /// <summary>
    /// A port no other caller in this process was given. The OS may offer a port again as soon as the probe releases
    /// it, so two calls in a row (a server's webhook, API and management ports) could otherwise get the same one.
    /// </summary>
    public static int Next()
    {
        lock (HandedOut)
        {
            while (true)
            {
                using var listener = new TcpListener(IPAddress.Loopback, 0);
                listener.Start();
                var port = ((IPEndPoint)listener.LocalEndpoint).Port;
                if (HandedOut.Add(port))
                {
                    return port;
                }
            }
        }
    }
}
