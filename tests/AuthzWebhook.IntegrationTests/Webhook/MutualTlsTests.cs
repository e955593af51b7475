using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
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

    [Fact]
    public async Task With_allowed_client_names_another_client_of_the_same_CA_is_refused()
    {
        var server = await StartServerAsync(overrides: new Dictionary<string, string?> { ["AuthzWebhook:Webhook:AllowedClientNames:0"] = "kube-apiserver" });

        using var accepted = await server.PostReviewAsync(Body, Pki.ClientCertificate);
        await Assert.ThrowsAsync<HttpRequestException>(() => server.PostReviewAsync(Body, Pki.NodeClientCertificate));

        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        await server.WaitForRecordAsync(ReviewResult.Parse(await accepted.Content.ReadAsStringAsync()).DecisionId);
        Assert.Single(server.ReadRecords());
    }

    private static readonly Dictionary<string, string?> FastCertificateChecks = new() { ["AuthzWebhook:Webhook:CertificateCheckInterval"] = "00:00:00.100" };

    [Fact]
    public async Task A_rotated_server_certificate_is_served_without_a_restart()
    {
        var server = await StartServerAsync(overrides: FastCertificateChecks);
        var before = await PresentedCertificateAsync(server.WebhookPort);

        var rotated = Pki.RotateServerCertificate();

        await EventuallyAsync(async () => await PresentedCertificateAsync(server.WebhookPort) == rotated.Thumbprint, TimeSpan.FromSeconds(10), "the rotated certificate to be served");
        Assert.NotEqual(before, rotated.Thumbprint);
        using var response = await server.PostReviewAsync(Body);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task A_rotated_client_CA_applies_to_new_connections()
    {
        var server = await StartServerAsync(overrides: FastCertificateChecks);
        using var next = new TestPki();

        Pki.TrustOnlyClientsOf(next);

        await EventuallyAsync(
            async () =>
            {
                try
                {
                    using var response = await server.PostReviewAsync(Body, next.ClientCertificate);
                    return response.IsSuccessStatusCode;
                }
                catch (HttpRequestException)
                {
                    return false;
                }
            },
            TimeSpan.FromSeconds(10),
            "the new CA's client to be accepted");
        await Assert.ThrowsAsync<HttpRequestException>(() => server.PostReviewAsync(Body, Pki.ClientCertificate));
    }

    [Fact]
    public async Task A_half_written_certificate_file_keeps_the_previous_certificate()
    {
        var server = await StartServerAsync(overrides: FastCertificateChecks);
        var before = await PresentedCertificateAsync(server.WebhookPort);

        await File.WriteAllTextAsync(Pki.ServerCertificatePath, "-----BEGIN CERTIFICATE-----\nMIIB");
        await Task.Delay(500);

        Assert.Equal(before, await PresentedCertificateAsync(server.WebhookPort));
    }

    /// <summary>The thumbprint of the certificate the webhook presents in a fresh TLS handshake.</summary>
    private async Task<string> PresentedCertificateAsync(int port)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, port);
        await using var tls = new SslStream(tcp.GetStream(), false, (_, certificate, _, _) =>
        {
            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.Add(Pki.Ca);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            return certificate is X509Certificate2 presented && chain.Build(presented);
        });
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = "localhost",
            ClientCertificates = new X509CertificateCollection { Pki.ClientCertificate },
        });
        return ((X509Certificate2)tls.RemoteCertificate!).Thumbprint;
    }
}
