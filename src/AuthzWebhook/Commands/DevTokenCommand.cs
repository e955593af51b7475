using AuthzWebhook.Identity;

namespace AuthzWebhook.Commands;

/// <summary>
/// <c>dev-token --user alice@example.com --groups sre,oncall [--mfa]</c>: prints a token the local service accepts.
/// Works only where the development issuer does (Development environment, issuer enabled).
/// </summary>
internal sealed class DevTokenCommand : IServiceCommand
{
    public string Name => "dev-token";

    public void Register(WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddSingleton(TimeProvider.System);
        services.AddOptions<DevelopmentIssuerOptions>().BindConfiguration(DevelopmentIssuerOptions.Section);
        services.AddSingleton<Microsoft.Extensions.Options.IValidateOptions<DevelopmentIssuerOptions>, DevelopmentIssuerOptionsValidator>();
        services.AddSingleton<DevelopmentTokenIssuer>();
    }

    public async Task<int> RunAsync(IServiceProvider services, string[] args)
    {
        string? user = null;
        var groups = Array.Empty<string>();
        var mfa = false;
        for (var i = 1; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--user" when i + 1 < args.Length:
                    user = args[++i];
                    break;
                case "--groups" when i + 1 < args.Length:
                    groups = args[++i].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                    break;
                case "--mfa":
                    mfa = true;
                    break;
                default:
                    return await FailAsync($"unexpected argument '{args[i]}'").ConfigureAwait(false);
            }
        }

        if (string.IsNullOrWhiteSpace(user))
        {
            return await FailAsync("--user is required, e.g. dev-token --user alice@example.com --groups sre").ConfigureAwait(false);
        }

        try
        {
            var issuer = services.GetRequiredService<DevelopmentTokenIssuer>();
            await Console.Out.WriteLineAsync(issuer.Mint(user, groups, mfa)).ConfigureAwait(false);
            return 0;
        }
        catch (Exception ex) when (ex is InvalidOperationException or Microsoft.Extensions.Options.OptionsValidationException)
        {
            return await FailAsync(ex.Message).ConfigureAwait(false);
        }
    }

    private static async Task<int> FailAsync(string message)
    {
        await Console.Error.WriteLineAsync($"dev-token: {message}").ConfigureAwait(false);
        return 2;
    }
}
