using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace AuthzWebhook.Identity;

/// <summary>
/// Mints RS256 tokens shaped like a typical OIDC provider's (email, groups, amr) with a key kept under
/// <c>.local/</c>. Its constructor re-checks the environment so that no wiring mistake can make it work in production.
/// </summary>
internal sealed class DevelopmentTokenIssuer
{
    private readonly DevelopmentIssuerOptions _options;
    private readonly TimeProvider _timeProvider;

    public DevelopmentTokenIssuer(IOptions<DevelopmentIssuerOptions> options, IHostEnvironment environment, TimeProvider timeProvider)
    {
        _options = options.Value;
        if (!_options.Enabled || !environment.IsDevelopment())
        {
            throw new InvalidOperationException("The development token issuer is available only when enabled in the Development environment.");
        }

        _timeProvider = timeProvider;
        SigningKey = LoadOrCreateKey(Path.GetFullPath(_options.SigningKeyPath, environment.ContentRootPath));
    }

    public RsaSecurityKey SigningKey { get; }

    public string Issuer => _options.Issuer;

    public string Audience => _options.Audience;

    public string Mint(string user, IReadOnlyCollection<string> groups, bool mfa)
    {
        var now = _timeProvider.GetUtcNow().UtcDateTime;
        var claims = new Dictionary<string, object>(StringComparer.Ordinal)
        {
            ["sub"] = user,
            ["email"] = user,
            ["email_verified"] = true,
            ["name"] = user,
            ["groups"] = groups.ToArray(),
            ["amr"] = mfa ? new[] { "pwd", "mfa" } : new[] { "pwd" },
            ["jti"] = Guid.NewGuid().ToString("N"),
        };
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = _options.Issuer,
            Audience = _options.Audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + _options.TokenLifetime,
            Claims = claims,
            SigningCredentials = new SigningCredentials(SigningKey, SecurityAlgorithms.RsaSha256),
        });
    }

    private static RsaSecurityKey LoadOrCreateKey(string path)
    {
        var rsa = RSA.Create();
        if (!File.Exists(path))
        {
            CreateKeyFile(path);
        }

        rsa.ImportFromPem(File.ReadAllText(path));
        var key = new RsaSecurityKey(rsa);
        key.KeyId = Base64UrlEncoder.Encode(key.ComputeJwkThumbprint());
        return key;
    }

    /// <summary>Writes a new key beside the target and moves it into place, so that two processes starting together agree on one key.</summary>
    private static void CreateKeyFile(string path)
    {
        using var rsa = RSA.Create(2048);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = $"{path}.{Guid.NewGuid():N}.tmp";
        var fileOptions = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            fileOptions.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var file = new FileStream(temporary, fileOptions))
        using (var writer = new StreamWriter(file))
        {
            writer.Write(rsa.ExportPkcs8PrivateKeyPem());
        }

        try
        {
            File.Move(temporary, path, overwrite: false);
        }
        catch (IOException) when (File.Exists(path))
        {
            File.Delete(temporary);
        }
    }
}
