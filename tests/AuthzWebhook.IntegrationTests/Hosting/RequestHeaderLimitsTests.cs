using System.Net;
using System.Net.Sockets;
using System.Text;
using AuthzWebhook.IntegrationTests.Infrastructure;

namespace AuthzWebhook.IntegrationTests.Hosting;

/// <summary>
/// The request header limits (AuthzWebhook:RequestLimits) hold on every listener: Kestrel answers an oversized header
/// block with 431 and an oversized request line with 414 before any endpoint runs, and the service answers normally after.
/// </summary>
public sealed class RequestHeaderLimitsTests(TestServers servers) : IntegrationTest(servers)
{
    [Fact]
    public async Task Oversized_headers_and_request_lines_are_refused_by_kestrel_on_every_listener()
    {
        var server = await StartServerAsync(overrides: new Dictionary<string, string?>
        {
            ["AuthzWebhook:RequestLimits:MaxRequestHeadersTotalSize"] = "8192",
            ["AuthzWebhook:RequestLimits:MaxRequestHeaderCount"] = "32",
            ["AuthzWebhook:RequestLimits:MaxRequestLineSize"] = "2048",
        });
        using var webhook = server.CreateMtlsClient(Pki.ClientCertificate);
        using var api = server.CreateApiClient(token: null);
        var cases = new (string Listener, HttpClient Client, Uri Uri)[]
        {
            ("webhook", webhook, server.AuthorizeUri),
            ("api", api, server.ApiUri("/api/v1/templates")),
        };
        var mismatches = new StringBuilder();

        foreach (var (listener, client, uri) in cases)
        {
            using var bigHeader = new HttpRequestMessage(HttpMethod.Post, uri);
            bigHeader.Headers.Add("X-Padding", new string('a', 9000));
            using var manyHeaders = new HttpRequestMessage(HttpMethod.Post, uri);
            for (var i = 0; i < 40; i++)
            {
                manyHeaders.Headers.Add($"X-Padding-{i}", "a");
            }

            using var longLine = new HttpRequestMessage(HttpMethod.Post, new Uri(uri, "?pad=" + new string('a', 3000)));
            foreach (var (name, request, expected) in new[] { ("big header", bigHeader, HttpStatusCode.RequestHeaderFieldsTooLarge), ("41 headers", manyHeaders, HttpStatusCode.RequestHeaderFieldsTooLarge), ("long request line", longLine, HttpStatusCode.RequestUriTooLong) })
            {
                request.Version = HttpVersion.Version11;
                request.VersionPolicy = HttpVersionPolicy.RequestVersionExact;
                using var response = await client.SendAsync(request);
                if (response.StatusCode != expected)
                {
                    mismatches.AppendLine($"{listener}, {name}: expected {(int)expected}, got {(int)response.StatusCode}");
                }
            }
        }

        Assert.True(mismatches.Length == 0, mismatches.ToString());
        Assert.Equal(431, await RawStatusAsync(server.ManagementPort, $"GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Padding: {new string('a', 9000)}\r\n\r\n"));
        Assert.Equal(200, await RawStatusAsync(server.ManagementPort, "GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"));
        var review = await server.ReviewAsync(Reviews.NonResource("oidc:bob@example.com", ["oidc:sre"], "get", "/healthz"));
        Assert.False(review.Allowed);
    }

    /// <summary>The plain-HTTP management port, spoken to byte by byte so that nothing trims the request first.</summary>
    private static async Task<int> RawStatusAsync(int port, string request)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, port);
        var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request));
        var buffer = new byte[64];
        var read = await stream.ReadAsync(buffer);
        var statusLine = Encoding.ASCII.GetString(buffer, 0, read);
        return int.Parse(statusLine.AsSpan(9, 3), System.Globalization.CultureInfo.InvariantCulture);
    }
}
