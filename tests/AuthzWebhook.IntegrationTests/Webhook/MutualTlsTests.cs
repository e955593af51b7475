using System.Net;
using System.Net.Http.Headers;
using System.Text;
using AuthzWebhook.IntegrationTests.Infrastructure;

namespace AuthzWebhook.IntegrationTests.Webhook;

/// <summary>Only the API server, holding a certificate from the configured CA, may call the webhook.</summary>
public sealed class MutualTlsTests(TestServers servers) : IntegrationTest(servers)
{
    private static readonly string Body = Reviews.Resource("oidc:alice@example.com", ["oidc:sre"], "get", "pods", "payments");

    [Fact]
    public async Task A_client_without_a_certificate_is_refused()
    {
        var server = await StartServerAsync();
        using var client = server.CreateMtlsClient(clientCertificate: null);

        await Assert.ThrowsAsync<HttpRequestException>(() => client.PostAsync(server.AuthorizeUri, new StringContent(Body, Encoding.UTF8, "application/json")));
        Assert.Empty(server.ReadRecords());
    }

    [Fact]
    public async Task A_client_certificate_from_another_CA_is_refused()
    {
        var server = await StartServerAsync();

        await Assert.ThrowsAsync<HttpRequestException>(() => server.PostReviewAsync(Body, Pki.ForeignClientCertificate));
        Assert.Empty(server.ReadRecords());
    }

    [Fact]
    public async Task A_client_certificate_from_the_configured_CA_is_accepted()
    {
        var server = await StartServerAsync();

        using var response = await server.PostReviewAsync(Body, Pki.ClientCertificate);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task The_webhook_cannot_be_reached_through_the_management_listener()
    {
        var server = await StartServerAsync();
        using var client = new HttpClient();
        using var content = new StringContent(Body, Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        // Even with a Host header naming the webhook port: listeners are told apart by the socket, not the header.
        using var request = new HttpRequestMessage(HttpMethod.Post, $"http://127.0.0.1:{server.ManagementPort}/authorize") { Content = content };
        request.Headers.Host = $"localhost:{server.WebhookPort}";

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Empty(server.ReadRecords());
    }

    [Fact]
    public async Task Probes_answer_on_the_management_listener_only()
    {
        var server = await StartServerAsync();
        using var plain = new HttpClient();
        using var mtls = server.CreateMtlsClient(Pki.ClientCertificate);

        using var healthz = await plain.GetAsync(new Uri($"http://127.0.0.1:{server.ManagementPort}/healthz"));
        using var readyz = await plain.GetAsync(new Uri($"http://127.0.0.1:{server.ManagementPort}/readyz"));
        using var healthzOnWebhook = await mtls.GetAsync(new Uri($"https://localhost:{server.WebhookPort}/healthz"));

        Assert.Equal(HttpStatusCode.OK, healthz.StatusCode);
        Assert.Equal(HttpStatusCode.OK, readyz.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, healthzOnWebhook.StatusCode);
    }
}
