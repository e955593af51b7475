using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using AuthzWebhook.TestSupport;

namespace AuthzWebhook.IntegrationTests.Hosting;

/// <summary>
/// The service as the container image publishes it (docker/Dockerfile: <c>-p:DevelopmentIssuer=false</c>) cannot
/// enable the development token issuer, whose key could mint an admin's token: not by settings, not by the Development
/// environment, and it ships no appsettings.Development.json.
/// </summary>
public sealed class ImageBuildTests : IDisposable
{
    private readonly DirectoryInfo _work = Directory.CreateTempSubdirectory("authz-test-image-");

    [Fact]
    public void The_image_build_refuses_the_development_issuer_even_in_development()
    {
        var dockerfile = File.ReadAllText(Path.Combine(RepositoryRoot.Path, "docker", "Dockerfile"));
        Assert.Contains("-p:DevelopmentIssuer=false", dockerfile, StringComparison.Ordinal);
        var output = Path.Combine(_work.FullName, "app");
        ProcessRunner.Run("dotnet", [
            "publish", Path.Combine(RepositoryRoot.Path, "src", "AuthzWebhook", "AuthzWebhook.csproj"), "-c", "Release", "-o", output,
            "--artifacts-path", Path.Combine(_work.FullName, "artifacts"), "-p:UseAppHost=false", "-p:DevelopmentIssuer=false", "-v", "quiet", "-nologo"],
            TimeSpan.FromMinutes(5));

        // Listener certificates, so that start-up gets as far as the identity settings.
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var certificate = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256).CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddHours(1));
        var certPath = Path.Combine(_work.FullName, "tls.crt");
        var keyPath = Path.Combine(_work.FullName, "tls.key");
        File.WriteAllText(certPath, certificate.ExportCertificatePem());
        File.WriteAllText(keyPath, key.ExportPkcs8PrivateKeyPem());

        var (exit, stdout, stderr) = ProcessRunner.RunCaptured("env", [
            "ASPNETCORE_ENVIRONMENT=Development", "AuthzWebhook__DevelopmentIssuer__Enabled=true",
            $"AuthzWebhook__Webhook__CertificatePath={certPath}", $"AuthzWebhook__Webhook__KeyPath={keyPath}", $"AuthzWebhook__Webhook__ClientCaPath={certPath}",
            $"AuthzWebhook__Api__CertificatePath={certPath}", $"AuthzWebhook__Api__KeyPath={keyPath}",
            "dotnet", Path.Combine(output, "AuthzWebhook.dll")]);

        Assert.False(File.Exists(Path.Combine(output, "appsettings.Development.json")), "the image ships no development settings");
        Assert.True(exit == 1, $"exit {exit}: {stdout}{stderr}");
        Assert.Contains("this build (the container image) has no development token issuer", stdout + stderr, StringComparison.Ordinal);
    }

    public void Dispose() => _work.Delete(recursive: true);
}
