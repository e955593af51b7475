using AuthzWebhook.Identity;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Options;

namespace AuthzWebhook.Tests.Identity;

public sealed class DevelopmentIssuerTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("authz-dev-issuer-").FullName;

    [Theory]
    [InlineData("Production")]
    [InlineData("Staging")]
    [InlineData("Test")]
    [InlineData("development-but-not-quite")]
    public void Enabling_it_outside_development_is_refused_naming_the_key(string environment)
    {
        var result = new DevelopmentIssuerOptionsValidator(Environment(environment)).Validate(null, new DevelopmentIssuerOptions { Enabled = true });

        Assert.True(result.Failed);
        Assert.Contains("AuthzWebhook:DevelopmentIssuer:Enabled=true is refused", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Disabled_it_is_accepted_anywhere()
    {
        var result = new DevelopmentIssuerOptionsValidator(Environment(Environments.Production)).Validate(null, new DevelopmentIssuerOptions());

        Assert.True(result.Succeeded);
    }

    [Fact]
    public void The_issuer_itself_cannot_be_built_outside_development_even_when_enabled()
    {
        var options = Options.Create(new DevelopmentIssuerOptions { Enabled = true, SigningKeyPath = Path.Combine(_directory, "key.pem") });

        Assert.Throws<InvalidOperationException>(() => new DevelopmentTokenIssuer(options, Environment(Environments.Production), TimeProvider.System));
        Assert.False(File.Exists(Path.Combine(_directory, "key.pem")));
    }

    [Fact]
    public void In_development_it_creates_one_private_key_and_keeps_using_it()
    {
        var path = Path.Combine(_directory, "nested", "key.pem");
        var options = Options.Create(new DevelopmentIssuerOptions { Enabled = true, SigningKeyPath = path });

        var first = new DevelopmentTokenIssuer(options, Environment(Environments.Development), TimeProvider.System);
        var second = new DevelopmentTokenIssuer(options, Environment(Environments.Development), TimeProvider.System);

        Assert.Equal(first.SigningKey.KeyId, second.SigningKey.KeyId);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }

        var token = new Microsoft.IdentityModel.JsonWebTokens.JsonWebToken(first.Mint("alice@example.com", ["sre"], mfa: true));
        Assert.Equal("alice@example.com", token.GetClaim("email").Value);
        Assert.Contains(token.Claims, c => c.Type == "amr" && c.Value == "mfa");
        Assert.Contains(token.Claims, c => c.Type == "groups" && c.Value == "sre");
        Assert.Equal("RS256", token.Alg);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private HostingEnvironment Environment(string name) => new() { EnvironmentName = name, ContentRootPath = _directory };
}
