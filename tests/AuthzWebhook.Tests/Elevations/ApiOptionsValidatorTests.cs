using AuthzWebhook.Elevations;

namespace AuthzWebhook.Tests.Elevations;

public sealed class ApiOptionsValidatorTests
{
    /// <summary>Where the certificate files of valid options are: the validator checks that they exist.</summary>
    private static readonly string Directory = CertificateDirectory();

    [Fact]
    public void Certificate_files_that_do_not_exist_are_named()
    {
        var result = Validator().Validate(null, Valid(o => { o.CertificatePath = "/nowhere/tls.crt"; o.KeyPath = "missing.key"; }));

        Assert.Contains("AuthzWebhook:Api:CertificatePath names /nowhere/tls.crt, which does not exist", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("AuthzWebhook:Api:KeyPath names missing.key, which does not exist", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Defaults_with_certificate_files_are_valid()
    {
        var result = Validator().Validate(null, Valid());

        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Fact]
    public void The_limits_at_both_ends_of_their_ranges_are_valid()
    {
        foreach (var options in new[]
        {
            Valid(o => { o.Port = 1; o.PermitsPerMinute = 1; o.MaxBodyBytes = 1024; }),
            Valid(o => { o.Port = 65535; o.PermitsPerMinute = 100_000; o.MaxBodyBytes = 1024 * 1024; o.BindAddress = "::"; }),
            Valid(o => { o.PermitsPerMinutePerAddress = 1; o.TrustedProxies = ["10.0.0.0/8", "192.0.2.1/32", "fd00::/8"]; }),
            Valid(o => { o.PermitsPerMinutePerAddress = 1_000_000; o.Cors.AllowedOrigins = ["https://portal.example.com", "https://ops.example.com:8443"]; }),
        })
        {
            var result = Validator().Validate(null, options);
            Assert.True(result.Succeeded, result.FailureMessage);
        }
    }

    public static TheoryData<string, string> Invalid() => new()
    {
        { "BindAddress=localhost", "AuthzWebhook:Api:BindAddress must be an IP address" },
        { "Port=0", "AuthzWebhook:Api:Port must be 1-65535" },
        { "Port=65536", "AuthzWebhook:Api:Port must be 1-65535" },
        { "CertificatePath=", "AuthzWebhook:Api:CertificatePath and KeyPath are required" },
        { "KeyPath=", "AuthzWebhook:Api:CertificatePath and KeyPath are required" },
        { "CertificateCheckInterval=0", "AuthzWebhook:Api:CertificateCheckInterval must be positive" },
        { "PermitsPerMinute=0", "AuthzWebhook:Api:PermitsPerMinute must be 1-100000" },
        { "PermitsPerMinute=100001", "AuthzWebhook:Api:PermitsPerMinute must be 1-100000" },
        { "MaxBodyBytes=1023", "AuthzWebhook:Api:MaxBodyBytes must be between 1024 and 1048576" },
        { "MaxBodyBytes=1048577", "AuthzWebhook:Api:MaxBodyBytes must be between 1024 and 1048576" },
        { "PermitsPerMinutePerAddress=0", "AuthzWebhook:Api:PermitsPerMinutePerAddress must be 1-1000000" },
        { "TrustedProxies=10.0.0.1", "AuthzWebhook:Api:TrustedProxies:0 ('10.0.0.1') must be an address range in CIDR notation" },
        { "TrustedProxies=proxy.local", "AuthzWebhook:Api:TrustedProxies:0 ('proxy.local') must be an address range in CIDR notation" },
        { "AllowedOrigins=*", "AuthzWebhook:Api:Cors:AllowedOrigins:0 ('*') must not contain a wildcard" },
        { "AllowedOrigins=https://*.example.com", "AuthzWebhook:Api:Cors:AllowedOrigins:0 ('https://*.example.com') must not contain a wildcard" },
        { "AllowedOrigins=http://portal.example.com", "AuthzWebhook:Api:Cors:AllowedOrigins:0 ('http://portal.example.com') must be an https origin" },
        { "AllowedOrigins=portal.example.com", "AuthzWebhook:Api:Cors:AllowedOrigins:0 ('portal.example.com') must be an https origin" },
        { "AllowedOrigins=https://portal.example.com/", "must be only https://host[:port] in lower case, without a path or trailing slash" },
        { "AllowedOrigins=https://Portal.example.com", "(here: https://portal.example.com)" },
        { "AllowedOrigins=https://user@portal.example.com", "must be only https://host[:port]" },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Each_bad_setting_is_refused_naming_its_key(string setting, string expected)
    {
        var options = Valid(o =>
        {
            switch (setting)
            {
                case "BindAddress=localhost": o.BindAddress = "localhost"; break;
                case "Port=0": o.Port = 0; break;
                case "Port=65536": o.Port = 65536; break;
                case "CertificatePath=": o.CertificatePath = ""; break;
                case "KeyPath=": o.KeyPath = " "; break;
                case "CertificateCheckInterval=0": o.CertificateCheckInterval = TimeSpan.Zero; break;
                case "PermitsPerMinute=0": o.PermitsPerMinute = 0; break;
                case "PermitsPerMinute=100001": o.PermitsPerMinute = 100_001; break;
                case "MaxBodyBytes=1023": o.MaxBodyBytes = 1023; break;
                case "MaxBodyBytes=1048577": o.MaxBodyBytes = 1024 * 1024 + 1; break;
                case "PermitsPerMinutePerAddress=0": o.PermitsPerMinutePerAddress = 0; break;
                case var proxies when proxies.StartsWith("TrustedProxies=", StringComparison.Ordinal): o.TrustedProxies = [proxies["TrustedProxies=".Length..]]; break;
                case var origins when origins.StartsWith("AllowedOrigins=", StringComparison.Ordinal): o.Cors.AllowedOrigins = [origins["AllowedOrigins=".Length..]]; break;
                default: throw new ArgumentOutOfRangeException(nameof(setting), setting, null);
            }
        });

        var result = Validator().Validate(null, options);

        Assert.True(result.Failed, setting);
        Assert.Contains(expected, result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_problem_is_reported_at_once()
    {
        var options = new ApiOptions { BindAddress = "any", Port = 0, PermitsPerMinute = 0, MaxBodyBytes = 0, CertificateCheckInterval = TimeSpan.Zero };

        Assert.Equal(6, Validator().Validate(null, options).Failures!.Count());
    }

    private static ApiOptions Valid(Action<ApiOptions>? configure = null)
    {
        var options = new ApiOptions { CertificatePath = Path.Combine(Directory, "tls.crt"), KeyPath = "tls.key" };
        configure?.Invoke(options);
        return options;
    }

    private static string CertificateDirectory()
    {
        var directory = System.IO.Directory.CreateTempSubdirectory("authz-api-options-").FullName;
        File.WriteAllText(Path.Combine(directory, "tls.crt"), "certificate");
        File.WriteAllText(Path.Combine(directory, "tls.key"), "key");
        return directory;
    }

    private static ApiOptionsValidator Validator() =>
        new(new Microsoft.Extensions.Hosting.Internal.HostingEnvironment { ContentRootPath = Directory });
}
