using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using AuthzWebhook.IntegrationTests.Infrastructure;

namespace AuthzWebhook.IntegrationTests.Hosting;

/// <summary>
/// Both TLS listeners speak TLS 1.2 and 1.3 only. The refusals are checked with hand-written ClientHellos that offer
/// TLS 1.0 or 1.1 and nothing else, so they hold whatever this machine's TLS library is willing to offer; the same hello
/// offering TLS 1.2 is answered, which shows the hellos themselves are sound. The management listener is plain HTTP
/// inside the cluster and has no TLS to check.
/// </summary>
public sealed class ListenerTlsTests(TestServers servers) : IntegrationTest(servers)
{
    [Theory]
    [InlineData("webhook", TlsHello.Tls10)]
    [InlineData("webhook", TlsHello.Tls11)]
    [InlineData("api", TlsHello.Tls10)]
    [InlineData("api", TlsHello.Tls11)]
    public async Task A_client_offering_only_an_old_tls_version_gets_no_server_hello(string listener, ushort version)
    {
        var server = await StartServerAsync();
        var port = listener == "webhook" ? server.WebhookPort : server.ApiPort;

        var refused = await TlsHello.SendAsync(port, version);
        var control = await TlsHello.SendAsync(port, TlsHello.Tls12);

        Assert.True(control.IsServerHello && control.ServerVersion == TlsHello.Tls12, $"the same hello offering TLS 1.2 got: {control}");
        // 70 is protocol_version: refused at version negotiation by the listener's setting. With TLS 1.0/1.1 allowed in the
        // listener, this machine's OpenSSL answers 40 (handshake_failure) instead, failing later on its own signature rules,
        // so this assertion tells the listener's setting apart from the library's defaults.
        Assert.True(!refused.IsServerHello && refused.AlertDescription == 70, $"TLS 0x{version:x4} got: {refused}");
    }

    [Theory]
    [InlineData("webhook")]
    [InlineData("api")]
    public async Task A_default_client_negotiates_tls_1_2_or_newer(string listener)
    {
        var server = await StartServerAsync();
        var port = listener == "webhook" ? server.WebhookPort : server.ApiPort;
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, port);
        await using var tls = new SslStream(tcp.GetStream());

        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = "localhost",
            RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate is not null && IssuedByTestCa(certificate),
            ClientCertificates = listener == "webhook" ? new X509CertificateCollection { Pki.ClientCertificate } : null,
        });

        Assert.True(tls.SslProtocol is SslProtocols.Tls12 or SslProtocols.Tls13, $"negotiated {tls.SslProtocol}");
    }

    private bool IssuedByTestCa(X509Certificate certificate)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(Pki.Ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using var leaf = new X509Certificate2(certificate);
        return chain.Build(leaf);
    }
}
